// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Snapshots of what a model's layers make of one image, written as PNGs while it trains
// (--feature-maps-at): the same image at several epochs shows the filters forming.

#include "models/classifier.h"

#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

namespace kanalab {

// Runs `input` (one prepared image, [1, C, H, W], already normalised) through the model in
// eval mode and writes, into folder: input.png (the image as the model saw it) and one
// <layer>.png per layer whose output is an image, its channels tiled in a grid, each map
// scaled to its own range. Returns the files written. Throws kanalab::Error when the folder
// cannot be written (full disk).
std::vector<std::string> writeFeatureMaps(Classifier& model, const at::Tensor& input, const std::string& folder);

}  // namespace kanalab
