// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/image_set.h"

#include "common/error.h"

#include <cstring>

namespace kanalab {

std::vector<std::int64_t> countPerClass(const ImageSet& set, int numClasses, const std::vector<std::int64_t>& indices) {
    std::vector<std::int64_t> counts(static_cast<std::size_t>(numClasses), 0);
    auto add = [&](std::int64_t label) {
        if (label >= 0 && label < numClasses)
            ++counts[static_cast<std::size_t>(label)];
    };
    if (indices.empty()) {
        for (auto label : set.labels)
            add(label);
    } else {
        for (auto index : indices)
            add(set.labels[static_cast<std::size_t>(index)]);
    }
    return counts;
}

ImageSet subset(const ImageSet& set, const std::vector<std::int64_t>& indices) {
    ImageSet out;
    out.channels = set.channels;
    out.rows = set.rows;
    out.cols = set.cols;
    out.source = set.source;
    const std::size_t bytes = set.imageBytes();
    out.pixels.resize(indices.size() * bytes);
    out.labels.reserve(indices.size());
    for (std::size_t i = 0; i < indices.size(); ++i) {
        std::memcpy(out.pixels.data() + i * bytes, set.image(indices[i]), bytes);
        out.labels.push_back(set.labels[static_cast<std::size_t>(indices[i])]);
    }
    return out;
}

ImageSet appendImages(const ImageSet& base, const ImageSet& extra) {
    if (extra.count() > 0 && (extra.rows != base.rows || extra.cols != base.cols || extra.channels != base.channels))
        throw Error("cannot mix " + std::to_string(extra.rows) + "x" + std::to_string(extra.cols) + " images into " +
                    base.source + " (" + std::to_string(base.rows) + "x" + std::to_string(base.cols) + ")");
    ImageSet out = base;
    out.mapped.reset();
    out.pixels.assign(base.pixelData(), base.pixelData() + base.count() * base.imageBytes());
    out.pixels.insert(out.pixels.end(), extra.pixelData(), extra.pixelData() + extra.count() * extra.imageBytes());
    out.labels.insert(out.labels.end(), extra.labels.begin(), extra.labels.end());
    return out;
}

}  // namespace kanalab
