// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/loss.h"

#include <torch/nn/functional/loss.h>

namespace kanalab {

at::Tensor computeLoss(const LossConfig& config, const at::Tensor& logits, const at::Tensor& targets) {
    namespace F = torch::nn::functional;
    if (config.name == "multi-margin")
        return F::multi_margin_loss(logits, targets, F::MultiMarginLossFuncOptions().margin(config.margin));
    return F::cross_entropy(logits, targets, F::CrossEntropyFuncOptions().label_smoothing(config.labelSmoothing));
}

}  // namespace kanalab
