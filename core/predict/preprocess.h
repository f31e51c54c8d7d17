// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "data/gray_image.h"
#include "data/image_decode.h"
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

// Photos for a colour model ("try an image"): brought to rows x cols as the import brings a
// dataset's images (fitImage: padded with the picture's own border colour, or centre-cropped),
// colour kept; a gray picture fills R, G and B alike. Never inverted: a photo has no ink.
DecodedImage preparePhoto(const DecodedImage& picture, int rows, int cols, FitMode fit);
// Luminance, 0.299 R + 0.587 G + 0.114 B as OpenCV weighs it (a gray picture as it is).
GrayImage toGray(const DecodedImage& picture);

struct ImageSet;
// Whether a gray dataset stores dark ink on a light background (scans imported as they were
// written) rather than bright ink on black (the built-in handwriting sets): the majority of up
// to 64 images spread over the set, by hasLightBackground. False for colour sets and empty ones.
// Viewers need it to show either kind as ink on paper without turning the other one negative.
bool storedOnLightBackground(const ImageSet& set);

}  // namespace kanalab
