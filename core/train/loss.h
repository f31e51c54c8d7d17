// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "train/train_config.h"

#include <ATen/core/Tensor.h>

namespace kanalab {

// Mean loss of a batch: cross-entropy (optionally label-smoothed) or the multi-class margin
// loss. logits [B, K], targets int64 [B].
at::Tensor computeLoss(const LossConfig& config, const at::Tensor& logits, const at::Tensor& targets);

}  // namespace kanalab
