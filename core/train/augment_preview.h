// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "train/train_config.h"

#include <cstdint>
#include <vector>

namespace kanalab {

// Augmented copies of one grayscale image (bytes, rows x cols, bright ink on dark) for the
// GUI's preview: count images of the same size, as bytes, made by the same Augmenter training
// uses. Torch-free interface.
std::vector<std::vector<std::uint8_t>> augmentPreview(const AugmentConfig& config, const std::uint8_t* image, int rows,
                                                      int cols, int count, std::uint64_t seed);

}  // namespace kanalab
