// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The one image type that crosses from the core to the UI for drawings and files: plain bytes,
// no OpenCV, no torch, so ui/ can include it. It lives in data/ because the dataset layer
// (synthetic glyphs, sample grids) makes and frames such images too, and data/ must not
// depend on predict/.

#include <cstdint>
#include <vector>

namespace kanalab {

// An 8-bit grayscale image, row-major. The datasets store bright ink on a dark background;
// drawings and files may be either way round (see prepareForModel in data/ink_frame.h).
struct GrayImage {
    int rows = 0;
    int cols = 0;
    std::vector<std::uint8_t> pixels;

    bool empty() const { return pixels.empty(); }
    std::uint8_t at(int r, int c) const { return pixels[static_cast<std::size_t>(r) * cols + c]; }
};

}  // namespace kanalab
