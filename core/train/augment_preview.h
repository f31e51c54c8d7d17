// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "train/train_config.h"

#include <cstdint>
#include <vector>

namespace kanalab {

// Augmented copies of one image (bytes, channels x rows x cols planar as in an ImageSet; a
// grayscale one bright ink on dark) for the GUI's preview: count images of the same shape, as
// bytes, made by the same Augmenter training uses. Torch-free interface.
std::vector<std::vector<std::uint8_t>> augmentPreview(const AugmentConfig& config, const std::uint8_t* image, int rows,
                                                      int cols, int count, std::uint64_t seed, int channels = 1);

}  // namespace kanalab
