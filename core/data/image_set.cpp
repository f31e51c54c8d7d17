// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/image_set.h"

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

}  // namespace kanalab
