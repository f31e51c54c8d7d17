// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/evaluator.h"

#include "common/error.h"
#include "train/loss.h"

#include <torch/torch.h>

namespace kanalab {
namespace {

// One-pixel shifts used by test-time augmentation, in order of usefulness.
const int kShifts[8][2] = {{0, 1}, {0, -1}, {1, 0}, {-1, 0}, {1, 1}, {-1, -1}, {1, -1}, {-1, 1}};

at::Tensor shifted(const at::Tensor& input, int dy, int dx) {
    // Shift with a background border: pad, then crop. (torch::roll would wrap ink around.)
    const auto h = input.size(2), w = input.size(3);
    const auto background = input.amin({1, 2, 3}, true);
    auto padded = torch::constant_pad_nd(input - background, {1, 1, 1, 1}, 0) + background;
    return padded.narrow(2, 1 - dy, h).narrow(3, 1 - dx, w);
}

}  // namespace

at::Tensor predictProbabilities(Classifier& model, const at::Tensor& input, int ttaCopies, bool ttaMirror) {
    auto logits = model->forward(input);
    auto probabilities = torch::softmax(logits, 1);
    const int copies = std::min(ttaCopies, 8);
    const int mirrors = ttaMirror && copies > 0 ? 1 : 0;
    if (mirrors)
        probabilities = probabilities + torch::softmax(model->forward(input.flip({3})), 1);
    for (int c = 0; c < copies - mirrors; ++c)
        probabilities = probabilities + torch::softmax(model->forward(shifted(input, kShifts[c][0], kShifts[c][1])), 1);
    return copies > 0 ? probabilities / (copies + 1) : probabilities;
}

EvalReport evaluateModel(Classifier& model, const ImageSet& images, const std::vector<std::int64_t>& indices,
                         const EvaluationOptions& options) {
    const int classes = model->spec().numClasses;
    torch::NoGradGuard noGrad;
    const bool wasTraining = model->is_training();
    model->eval();

    std::vector<float> probabilities;
    probabilities.reserve(indices.size() * static_cast<std::size_t>(classes));
    std::vector<int> labels;
    labels.reserve(indices.size());
    double lossSum = 0;
    const auto share = std::shared_ptr<const ImageSet>(&images, [](const ImageSet*) {});
    BatchSource source(share, indices, options.batchSize, options.normalization, false, 0);
    source.startEpoch(0);
    Batch batch;
    while (source.next(batch)) {
        if (options.cancel && options.cancel->load())
            throw Cancelled();
        auto input = batch.images.to(options.device);
        auto target = batch.labels.to(options.device);
        auto logits = model->forward(input);
        lossSum += computeLoss(options.loss, logits, target).item<double>() * static_cast<double>(batch.indices.size());
        auto p = options.ttaCopies > 0 ? predictProbabilities(model, input, options.ttaCopies, options.ttaMirror) : torch::softmax(logits, 1);
        p = p.to(torch::kCPU).contiguous();
        probabilities.insert(probabilities.end(), p.data_ptr<float>(), p.data_ptr<float>() + p.numel());
        for (auto index : batch.indices)
            labels.push_back(static_cast<int>(images.labels[static_cast<std::size_t>(index)]));
    }
    model->train(wasTraining);
    const double loss = indices.empty() ? std::nan("") : lossSum / static_cast<double>(indices.size());
    return buildReport(classes, indices, labels, probabilities, loss);
}

}  // namespace kanalab
