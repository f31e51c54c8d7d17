// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "data/catalogue.h"
#include "data/image_set.h"

#include <string>

namespace kanalab {

struct SampleGridOptions {
    int perClass = 16;  // images per row
    int scale = 2;      // each 28x28 image drawn at 56x56
    bool invert = true; // dark ink on white, the way the characters were written
};

// Writes a PNG with one row per class: the class label (ASCII: index and romaji or name,
// since OpenCV's fonts have no kana) followed by the first perClass images of that class in
// file order. Throws kanalab::Error when the file cannot be written.
void writeSampleGrid(const ImageSet& set, const DatasetInfo& info, const std::string& pngPath,
                     const SampleGridOptions& options = {});

}  // namespace kanalab
