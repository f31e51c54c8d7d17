// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/loss.h"

#include "train/fused_kernels.h"

#include <ATen/ATen.h>
#include <torch/autograd.h>
#include <torch/nn/functional/loss.h>

namespace kanalab {

namespace {

// Plain cross-entropy (mean over the batch) as one forward kernel and one backward kernel,
// instead of log_softmax + nll_loss and their two backward nodes: the same arithmetic, a
// fraction of the per-operation overhead that dominates small batches of small models.
class CrossEntropyFunction : public torch::autograd::Function<CrossEntropyFunction> {
public:
    static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& logits,
                              const at::Tensor& targets) {
        at::Tensor probabilities = at::empty_like(logits);
        double lossSum = 0;
        const bool ok = kernels::crossEntropyForward(logits.data_ptr<float>(), targets.data_ptr<std::int64_t>(),
                                                     logits.size(0), logits.size(1), probabilities.data_ptr<float>(),
                                                     &lossSum);
        TORCH_CHECK(ok, "cross-entropy: a target is outside 0..", logits.size(1) - 1);
        ctx->saved_data["probabilities"] = probabilities;
        ctx->saved_data["targets"] = targets;
        return at::scalar_tensor(lossSum / static_cast<double>(logits.size(0)), logits.options());
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grads) {
        const at::Tensor probabilities = ctx->saved_data["probabilities"].toTensor();
        const at::Tensor targets = ctx->saved_data["targets"].toTensor();
        const float scale = grads[0].item<float>() / static_cast<float>(probabilities.size(0));
        at::Tensor grad = at::empty_like(probabilities);
        kernels::crossEntropyBackward(probabilities.data_ptr<float>(), targets.data_ptr<std::int64_t>(),
                                      probabilities.size(0), probabilities.size(1), scale, grad.data_ptr<float>());
        return {grad, at::Tensor()};
    }
};

bool fusedCrossEntropyApplies(const LossConfig& config, const at::Tensor& logits, const at::Tensor& targets) {
    if (config.name != "cross-entropy" || config.labelSmoothing != 0.0)
        return false;
    if (!logits.device().is_cpu() || logits.scalar_type() != at::kFloat || logits.dim() != 2 || !logits.is_contiguous() ||
        logits.size(0) == 0 || logits.size(1) == 0)
        return false;
    if (!targets.device().is_cpu() || targets.scalar_type() != at::kLong || targets.dim() != 1 ||
        !targets.is_contiguous() || targets.size(0) != logits.size(0))
        return false;
    const std::int64_t* t = targets.data_ptr<std::int64_t>();
    for (std::int64_t i = 0; i < targets.size(0); ++i)
        if (t[i] < 0 || t[i] >= logits.size(1))
            return false;  // LibTorch's error (or ignore_index) then
    return true;
}

}  // namespace

at::Tensor computeLoss(const LossConfig& config, const at::Tensor& logits, const at::Tensor& targets,
                       const at::Tensor& classWeights) {
    namespace F = torch::nn::functional;
    if (config.name == "multi-margin")
        return F::multi_margin_loss(logits, targets, F::MultiMarginLossFuncOptions().margin(config.margin));
    if (!classWeights.defined() && fusedCrossEntropyApplies(config, logits, targets))
        return CrossEntropyFunction::apply(logits, targets);
    auto options = F::CrossEntropyFuncOptions().label_smoothing(config.labelSmoothing);
    if (classWeights.defined())
        options.weight(classWeights.to(logits.device()));
    return F::cross_entropy(logits, targets, options);
}

std::vector<float> balancedClassWeights(const std::vector<std::int64_t>& counts) {
    std::int64_t total = 0;
    int present = 0;
    for (auto n : counts) {
        total += n;
        present += n > 0;
    }
    std::vector<float> weights(counts.size(), 0.0f);
    for (std::size_t c = 0; c < counts.size(); ++c)
        if (counts[c] > 0)
            weights[c] = static_cast<float>(static_cast<double>(total) / (present * static_cast<double>(counts[c])));
    return weights;
}

}  // namespace kanalab
