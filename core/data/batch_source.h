// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "data/image_set.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace kanalab {

// Pixel scaling applied when bytes become floats: value = (byte / 255 - mean[c]) / std[c], per
// channel c. One value serves every channel (the grayscale datasets, and checkpoints of format
// 1, which stored one mean and one deviation).
struct Normalization {
    std::vector<float> mean{0.0f};
    std::vector<float> std{1.0f};

    Normalization() = default;
    Normalization(float oneMean, float oneStd) : mean{oneMean}, std{oneStd} {}
    Normalization(std::vector<float> means, std::vector<float> stds);

    static Normalization unit() { return {}; }  // 0..1
    float meanOf(int channel) const { return mean[mean.size() == 1 ? 0 : static_cast<std::size_t>(channel)]; }
    float stdOf(int channel) const { return std[std.size() == 1 ? 0 : static_cast<std::size_t>(channel)]; }
    // Throws kanalab::Error unless it has one value, or one per channel, and every std is > 0.
    void check(int channels) const;
};

// Normalises a float batch [N, C, H, W] of 0..1 values in place.
void normalizeInPlace(at::Tensor& images, const Normalization& normalization);

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

    // Class-balanced sampling instead of a permutation: each epoch makes as many draws as there
    // are images, each a class chosen uniformly among those present and then one of its images,
    // so a class with 10 images is seen as often as one with 10,000 (seeded, with repeats).
    void setBalancedSampling(bool balanced);
    bool balancedSampling() const { return m_balanced; }

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
    bool m_balanced = false;
    std::vector<std::vector<std::int64_t>> m_byClass;  // balanced sampling: the indices of each present class
    std::uint64_t m_seed;
    std::size_t m_position = 0;
};

// Images per class among the chosen indices (size: the largest label + 1, at least numClasses).
std::vector<std::int64_t> countClasses(const ImageSet& set, const std::vector<std::int64_t>& indices, int numClasses = 0);

// Converts the chosen images to one float tensor [N, C, H, W] (for evaluation and previews).
at::Tensor imagesToTensor(const ImageSet& set, const std::vector<std::int64_t>& indices,
                          const Normalization& normalization);

}  // namespace kanalab
