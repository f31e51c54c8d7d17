// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/batch_source.h"

#include "common/error.h"
#include "common/random.h"

#include <ATen/ATen.h>

#include <algorithm>

namespace kanalab {
namespace {

void convertInto(const ImageSet& set, const std::int64_t* indices, std::size_t count,
                 const Normalization& normalization, float* out) {
    const std::size_t bytes = set.imageBytes();
    const std::size_t plane = static_cast<std::size_t>(set.rows) * set.cols;
    normalization.check(set.channels);
    std::vector<float> scale(static_cast<std::size_t>(set.channels)), shift(scale.size());
    for (int c = 0; c < set.channels; ++c) {
        scale[static_cast<std::size_t>(c)] = 1.0f / (255.0f * normalization.stdOf(c));
        shift[static_cast<std::size_t>(c)] = -normalization.meanOf(c) / normalization.stdOf(c);
    }
    for (std::size_t i = 0; i < count; ++i) {
        const std::uint8_t* src = set.image(indices[i]);
        float* dst = out + i * bytes;
        for (int c = 0; c < set.channels; ++c) {
            const float a = scale[static_cast<std::size_t>(c)], b = shift[static_cast<std::size_t>(c)];
            const std::size_t offset = static_cast<std::size_t>(c) * plane;
            for (std::size_t p = offset; p < offset + plane; ++p)
                dst[p] = static_cast<float>(src[p]) * a + b;
        }
    }
}

}  // namespace

Normalization::Normalization(std::vector<float> means, std::vector<float> stds)
    : mean(std::move(means)), std(std::move(stds)) {}

void Normalization::check(int channels) const {
    const auto fits = [&](std::size_t n) { return n == 1 || n == static_cast<std::size_t>(channels); };
    if (mean.empty() || std.empty() || !fits(mean.size()) || !fits(std.size()))
        throw Error("the normalisation has " + std::to_string(mean.size()) + " means and " + std::to_string(std.size()) +
                    " deviations for " + std::to_string(channels) + "-channel images");
    for (float s : std)
        if (!(s > 0))
            throw Error("a normalisation deviation is " + std::to_string(s) + "; it must be above 0");
}

void normalizeInPlace(at::Tensor& images, const Normalization& normalization) {
    const int channels = static_cast<int>(images.size(1));
    normalization.check(channels);
    if (normalization.mean.size() == 1 && normalization.std.size() == 1) {
        images.sub_(normalization.mean[0]).div_(normalization.std[0]);
        return;
    }
    std::vector<float> means(static_cast<std::size_t>(channels)), stds(means.size());
    for (int c = 0; c < channels; ++c) {
        means[static_cast<std::size_t>(c)] = normalization.meanOf(c);
        stds[static_cast<std::size_t>(c)] = normalization.stdOf(c);
    }
    const auto options = at::TensorOptions().dtype(at::kFloat);
    const at::Tensor m = at::tensor(means, options).view({1, channels, 1, 1}).to(images.device());
    const at::Tensor s = at::tensor(stds, options).view({1, channels, 1, 1}).to(images.device());
    images.sub_(m).div_(s);
}

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

void BatchSource::setBalancedSampling(bool balanced) {
    m_balanced = balanced;
    m_byClass.clear();
    if (!balanced)
        return;
    for (auto index : m_indices) {
        const auto label = static_cast<std::size_t>(m_images->labels[static_cast<std::size_t>(index)]);
        if (label >= m_byClass.size())
            m_byClass.resize(label + 1);
        m_byClass[label].push_back(index);
    }
    m_byClass.erase(std::remove_if(m_byClass.begin(), m_byClass.end(), [](const auto& c) { return c.empty(); }),
                    m_byClass.end());
}

std::vector<std::int64_t> countClasses(const ImageSet& set, const std::vector<std::int64_t>& indices, int numClasses) {
    std::vector<std::int64_t> counts(static_cast<std::size_t>(std::max(0, numClasses)), 0);
    for (auto index : indices) {
        const auto label = static_cast<std::size_t>(set.labels[static_cast<std::size_t>(index)]);
        if (label >= counts.size())
            counts.resize(label + 1, 0);
        ++counts[label];
    }
    return counts;
}

void BatchSource::startEpoch(int epoch) {
    if (m_balanced && !m_byClass.empty()) {
        SeededRandom random(mixSeed(m_seed, 0x62616c + static_cast<std::uint64_t>(epoch)));
        for (auto& slot : m_order) {
            const auto& members = m_byClass[static_cast<std::size_t>(random.below(m_byClass.size()))];
            slot = members[static_cast<std::size_t>(random.below(members.size()))];
        }
        m_position = 0;
        return;
    }
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

at::Tensor imagesToTensor(const ImageSet& set, const std::vector<std::int64_t>& indices,
                          const Normalization& normalization) {
    at::Tensor out =
        at::empty({static_cast<std::int64_t>(indices.size()), set.channels, set.rows, set.cols}, at::kFloat);
    convertInto(set, indices.data(), indices.size(), normalization, out.data_ptr<float>());
    return out;
}

}  // namespace kanalab
