// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Turns the image files of a user's own folder (scans, photos, exported drawings) into 8-bit
// pixels of a fixed size: any format the installed OpenCV reads, upright as the camera meant
// (EXIF orientation), 16-bit and CMYK brought to 8-bit gray or RGB, transparency on white.

#include <cstdint>
#include <string>
#include <vector>

namespace kanalab {

// How an image of another shape is brought to the wanted size.
enum class FitMode {
    Pad,         // scaled to fit inside, aspect kept, the rest filled with the image's border colour
    CentreCrop,  // scaled so the short side fits, the centre kept and the overhang cut off
};

// 8-bit pixels, planar as ImageSet stores them: channel-major, then rows, then columns.
// Colour images are RGB in that order (not OpenCV's BGR).
struct DecodedImage {
    int channels = 1;
    int rows = 0;
    int cols = 0;
    std::vector<std::uint8_t> pixels;

    bool empty() const { return pixels.empty(); }
    std::uint8_t at(int channel, int row, int col) const {
        return pixels[(static_cast<std::size_t>(channel) * rows + row) * cols + col];
    }
};

// What a file holds, as decodeImage would see it (rows and cols after EXIF orientation).
struct ImageProbe {
    bool colour = false;  // stores colour (RGB, CMYK, a palette with colours), not only gray
    int rows = 0;
    int cols = 0;
    int depthBits = 8;  // bits per sample as stored: 8, 16 (32 for float TIFF/EXR)
};

// Decodes file bytes already in memory. channels: 1 (gray luminance) or 3 (RGB). Throws
// kanalab::Error naming nameForMessages when the bytes are empty or not a readable image.
DecodedImage decodeImage(const std::vector<std::uint8_t>& bytes, int channels, const std::string& nameForMessages);

// Reads and decodes a file (UTF-8 path). Throws kanalab::Error naming the file.
DecodedImage loadImageFile(const std::string& path, int channels);

// Reads the header of a whole PNG or JPEG (one cut short is decoded, and so reported as damaged);
// other formats are decoded. Throws like loadImageFile.
ImageProbe probeImage(const std::string& path);

// Scales to rows x cols: INTER_AREA when shrinking (averages, as the datasets were made),
// INTER_LINEAR when growing. Throws kanalab::Error when rows or cols is not positive.
DecodedImage fitImage(const DecodedImage& image, int rows, int cols, FitMode mode);

}  // namespace kanalab
