// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/batch_source.h"

#include "common/error.h"
#include "common/random.h"

#include <ATen/ATen.h>

namespace kanalab {
namespace {

void convertInto(const ImageSet& set, const std::int64_t* indices, std::size_t count, Normalization normalization,
                 float* out) {
    const std::size_t bytes = set.imageBytes();
    const float scale = 1.0f / (255.0f * normalization.std);
    const float shift = -normalization.mean / normalization.std;
    for (std::size_t i = 0; i < count; ++i) {
        const std::uint8_t* src = set.image(indices[i]);
        float* dst = out + i * bytes;
        for (std::size_t p = 0; p < bytes; ++p)
            dst[p] = static_cast<float>(src[p]) * scale + shift;
    }
}

}  // namespace

BatchSource::BatchSource(std::shared_ptr<const ImageSet> images, std::vector<std::int64_t> indices, int batchSize,
                         Normalization normalization, bool shuffle, std::uint64_t seed)
    : m_images(std::move(images)),
      m_indices(std::move(indices)),
      m_batchSize(batchSize),
      m_normalization(normalization),
      m_shuffle(shuffle),
      m_seed(seed) {
    if (batchSize <= 0)
        throw Error("batch size must be positive, got " + std::to_string(batchSize));
    for (auto index : m_indices)
        if (index < 0 || index >= m_images->count())
            throw Error("index " + std::to_string(index) + " is outside " + m_images->source + " (" +
                        std::to_string(m_images->count()) + " images)");
    m_order = m_indices;
}

void BatchSource::startEpoch(int epoch) {
    m_order = m_indices;
    if (m_shuffle) {
        SeededRandom random(mixSeed(m_seed, static_cast<std::uint64_t>(epoch) + 1));
        random.shuffle(m_order);
    }
    m_position = 0;
}

bool BatchSource::next(Batch& batch) {
    if (m_position >= m_order.size())
        return false;
    const std::size_t count = std::min<std::size_t>(static_cast<std::size_t>(m_batchSize), m_order.size() - m_position);
    const ImageSet& set = *m_images;
    // A fresh tensor per batch: the previous one may still be referenced by autograd or by
    // an asynchronous consumer, so reusing its storage would be a data race.
    batch.images = at::empty({static_cast<std::int64_t>(count), set.channels, set.rows, set.cols}, at::kFloat);
    batch.labels = at::empty({static_cast<std::int64_t>(count)}, at::kLong);
    batch.indices.assign(m_order.begin() + static_cast<std::ptrdiff_t>(m_position),
                         m_order.begin() + static_cast<std::ptrdiff_t>(m_position + count));
    convertInto(set, batch.indices.data(), count, m_normalization, batch.images.data_ptr<float>());
    auto* labels = batch.labels.data_ptr<std::int64_t>();
    for (std::size_t i = 0; i < count; ++i)
        labels[i] = set.labels[static_cast<std::size_t>(batch.indices[i])];
    m_position += count;
    return true;
}

at::Tensor imagesToTensor(const ImageSet& set, const std::vector<std::int64_t>& indices, Normalization normalization) {
    at::Tensor out =
        at::empty({static_cast<std::int64_t>(indices.size()), set.channels, set.rows, set.cols}, at::kFloat);
    convertInto(set, indices.data(), indices.size(), normalization, out.data_ptr<float>());
    return out;
}

}  // namespace kanalab
