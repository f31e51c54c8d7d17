// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "data/image_set.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace kanalab {

// Pixel scaling applied when bytes become floats: value = (byte / 255 - mean) / std.
struct Normalization {
    float mean = 0.0f;
    float std = 1.0f;

    static Normalization unit() { return {}; }  // 0..1
};

struct Batch {
    at::Tensor images;                  // float [B, C, H, W]
    at::Tensor labels;                  // int64 [B]
    std::vector<std::int64_t> indices;  // positions in the source ImageSet
};

// Walks a set of indices in batches. Each epoch has its own permutation derived from the seed
// (or file order when shuffle is off); the last partial batch is kept. Images stay bytes and
// are converted batch by batch into one reused buffer: no copy of the dataset per epoch.
class BatchSource {
public:
    BatchSource(std::shared_ptr<const ImageSet> images, std::vector<std::int64_t> indices, int batchSize,
                Normalization normalization, bool shuffle, std::uint64_t seed);

    // Rewinds and, when shuffling, draws this epoch's order.
    void startEpoch(int epoch);
    // Fills batch and returns true while batches remain in this epoch.
    bool next(Batch& batch);

    std::int64_t size() const { return static_cast<std::int64_t>(m_indices.size()); }
    std::int64_t batchesPerEpoch() const { return (size() + m_batchSize - 1) / m_batchSize; }
    int batchSize() const { return m_batchSize; }
    const ImageSet& images() const { return *m_images; }
    const std::vector<std::int64_t>& indices() const { return m_indices; }

private:
    std::shared_ptr<const ImageSet> m_images;
    std::vector<std::int64_t> m_indices;
    std::vector<std::int64_t> m_order;
    int m_batchSize;
    Normalization m_normalization;
    bool m_shuffle;
    std::uint64_t m_seed;
    std::size_t m_position = 0;
};

// Converts the chosen images to one float tensor [N, C, H, W] (for evaluation and previews).
at::Tensor imagesToTensor(const ImageSet& set, const std::vector<std::int64_t>& indices, Normalization normalization);

}  // namespace kanalab
