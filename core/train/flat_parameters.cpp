// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/flat_parameters.h"

#include "common/error.h"

#include <torch/torch.h>

namespace kanalab {

FlatParameters::FlatParameters(torch::nn::Module& module) {
    std::vector<at::Tensor> parameters;
    for (auto& p : module.parameters())
        if (p.requires_grad())
            parameters.push_back(p);
    if (parameters.empty())
        throw Error("the model has no trainable parameters");
    std::int64_t total = 0;
    for (const auto& p : parameters)
        total += p.numel();
    const auto options = parameters.front().options().requires_grad(false);
    m_values = torch::empty({total}, options);
    m_gradients = torch::zeros({total}, options);

    torch::NoGradGuard noGrad;
    std::int64_t offset = 0;
    for (auto& p : parameters) {
        const std::int64_t n = p.numel();
        auto valueView = m_values.narrow(0, offset, n).view(p.sizes());
        valueView.copy_(p);
        p.set_data(valueView);
        p.mutable_grad() = m_gradients.narrow(0, offset, n).view(p.sizes());
        offset += n;
    }
}

double FlatParameters::clipGradientNorm(double maxNorm) {
    const double norm = m_gradients.norm().item<double>();
    if (std::isfinite(norm) && norm > maxNorm && maxNorm > 0)
        m_gradients.mul_(maxNorm / (norm + 1e-6));
    return norm;
}

}  // namespace kanalab
