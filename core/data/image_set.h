// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace kanalab {

// Labelled images held as bytes: 60,000 28x28 images take 47 MB this way against 188 MB as
// floats. Batches are converted to floats one at a time. The bytes are either owned (pixels)
// or a read-only view of a memory-mapped cache file (an imported dataset), so a dataset larger
// than the memory one would give it still trains: the kernel pages images in as batches use
// them.
struct ImageSet {
    int channels = 1;
    int rows = 0;
    int cols = 0;
    std::vector<std::uint8_t> pixels;  // count x channels x rows x cols, row-major (when owned)
    std::vector<std::int64_t> labels;  // class index per image
    std::string source;                // where it came from, for messages ("kmnist test")
    // Mapped storage: when set, the images are at mapped.get() and pixels is empty.
    std::shared_ptr<const std::uint8_t> mapped;

    std::int64_t count() const { return static_cast<std::int64_t>(labels.size()); }
    std::size_t imageBytes() const { return static_cast<std::size_t>(channels) * rows * cols; }
    const std::uint8_t* pixelData() const { return mapped ? mapped.get() : pixels.data(); }
    const std::uint8_t* image(std::int64_t index) const { return pixelData() + index * imageBytes(); }
};

// Images per class over the given indices (all images when indices is empty).
std::vector<std::int64_t> countPerClass(const ImageSet& set, int numClasses,
                                        const std::vector<std::int64_t>& indices = {});

// A new set holding copies of the chosen images, in the order given.
ImageSet subset(const ImageSet& set, const std::vector<std::int64_t>& indices);

// A new set: `base` followed by `extra` (same image size); the indices of the extra images
// start at base.count(). The result owns its bytes.
ImageSet appendImages(const ImageSet& base, const ImageSet& extra);

}  // namespace kanalab
