// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "train/train_config.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace kanalab {

// Mean loss of a batch: cross-entropy (optionally label-smoothed) or the multi-class margin
// loss. logits [B, K], targets int64 [B]. classWeights (float [K], optional): cross-entropy
// weighted per target class, the weighted mean over the batch (PyTorch's `weight=`).
at::Tensor computeLoss(const LossConfig& config, const at::Tensor& logits, const at::Tensor& targets,
                       const at::Tensor& classWeights = {});

// "balanced" class weights from the training images per class: N / (K' x count), K' the
// classes present, so the mean weight per image is 1; a class with no images weighs 0.
std::vector<float> balancedClassWeights(const std::vector<std::int64_t>& countsPerClass);

}  // namespace kanalab
