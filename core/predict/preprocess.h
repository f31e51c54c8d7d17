// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kanalab {

// An 8-bit grayscale image, row-major. The datasets store bright ink on a dark background;
// drawings and files may be either way round (see prepareForModel).
struct GrayImage {
    int rows = 0;
    int cols = 0;
    std::vector<std::uint8_t> pixels;

    bool empty() const { return pixels.empty(); }
    std::uint8_t at(int r, int c) const { return pixels[static_cast<std::size_t>(r) * cols + c]; }
};

// How the dataset's images were made, so a drawing is brought into the same frame:
//   MNIST: the ink's bounding box scaled to 20x20 (aspect kept), placed in 28x28 by its
//          centre of mass (measured: longest side 20 px in every image, centre of mass at 14.0);
//   KMNIST, Fashion-MNIST: the bounding box scaled to fill 28x28 and centred (measured on
//          KMNIST: longest side 28 px in every image, centre of mass spread by 1.4 px).
struct PreprocessOptions {
    int outputSize = 28;
    int boxSize = 20;
    bool centreOfMass = true;
    // Stroke thickness as a fraction of the box (0: keep what was drawn). Thin pen strokes are
    // thickened toward what the dataset shows: KMNIST's brush strokes are thick.
    double strokeFraction = 0.0;
};

PreprocessOptions preprocessFor(const std::string& dataset);

// Reads any image OpenCV decodes (PNG, JPEG, BMP, TIFF...) as 8-bit gray. Throws
// kanalab::Error naming the file when it is missing or not an image.
GrayImage loadGrayImage(const std::string& path);
// Decodes image file bytes already in memory (drag and drop, clipboard).
GrayImage decodeGrayImage(const std::vector<std::uint8_t>& bytes, const std::string& nameForMessages);
void saveGrayImage(const GrayImage& image, const std::string& path);

// True when the image looks like dark ink on a light background (its border is mostly light).
bool hasLightBackground(const GrayImage& image);

// Brings a drawing or photo into the model's input frame: bright ink on black, cropped to the
// ink, scaled and placed as the dataset's images were. An image without ink comes back black.
// An image already in the frame (outputSize square, dark background) is returned unchanged.
GrayImage prepareForModel(const GrayImage& image, const PreprocessOptions& options);

}  // namespace kanalab
