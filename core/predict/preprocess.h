// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "data/gray_image.h"
#include "data/ink_frame.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kanalab {

// The frame a drawing is put in for this dataset's models (its source's traits).
PreprocessOptions preprocessFor(const std::string& dataset);

// Reads any image OpenCV decodes (PNG, JPEG, BMP, TIFF...) as 8-bit gray. Throws
// kanalab::Error naming the file when it is missing or not an image.
GrayImage loadGrayImage(const std::string& path);
// Decodes image file bytes already in memory (drag and drop, clipboard).
GrayImage decodeGrayImage(const std::vector<std::uint8_t>& bytes, const std::string& nameForMessages);
void saveGrayImage(const GrayImage& image, const std::string& path);

}  // namespace kanalab
