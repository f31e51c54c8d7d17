// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/augment.h"
#include "train/augment_preview.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

namespace kanalab {
namespace {

constexpr double kDegrees = 3.14159265358979323846 / 180.0;

// Uniform in [low, high] for each of n draws, from the augmenter's own generator.
at::Tensor uniform(std::int64_t n, double low, double high, at::Generator& generator) {
    return at::rand({n}, generator, at::kDouble) * (high - low) + low;
}

at::Tensor gaussianKernel1d(double sigma) {
    const int radius = std::max(1, static_cast<int>(std::ceil(3 * sigma)));
    auto x = at::arange(-radius, radius + 1, at::kFloat);
    auto k = at::exp(-(x * x) / (2 * sigma * sigma));
    return k / k.sum();
}

}  // namespace

Augmenter::Augmenter(const AugmentConfig& config, std::uint64_t seed)
    : m_config(config),
      m_resamples(config.rotationDegrees > 0 || config.translate > 0 || config.scaleMin != 1.0 ||
                  config.scaleMax != 1.0 || config.shearDegrees > 0 || config.elasticAlpha > 0),
      m_generator(at::detail::createCPUGenerator(seed)) {}

void Augmenter::reseed(std::uint64_t seed) { m_generator = at::detail::createCPUGenerator(seed); }

at::Tensor Augmenter::mirrorDraw(std::int64_t b) {
    return at::rand({b}, m_generator, at::kDouble) < m_config.flipProbability;
}

at::Tensor Augmenter::samplingGrid(std::int64_t b, std::int64_t h, std::int64_t w, const at::Device& device) {
    // theta maps output coordinates to input coordinates in [-1, 1]: rotation R, shear, scale
    // 1/s (sampling at 1/s magnifies by s) and translation t.
    const auto angle = uniform(b, -m_config.rotationDegrees, m_config.rotationDegrees, m_generator) * kDegrees;
    const auto shear = uniform(b, -m_config.shearDegrees, m_config.shearDegrees, m_generator) * kDegrees;
    const auto scale = uniform(b, m_config.scaleMin, m_config.scaleMax, m_generator);
    const auto tx = uniform(b, -m_config.translate, m_config.translate, m_generator) * 2.0;
    const auto ty = uniform(b, -m_config.translate, m_config.translate, m_generator) * 2.0;
    const auto cosA = at::cos(angle), sinA = at::sin(angle), tanS = at::tan(shear);
    // [cos -sin; sin cos] * [1 tan(shear); 0 1] / scale
    auto a00 = cosA / scale, a01 = (cosA * tanS - sinA) / scale;
    auto a10 = sinA / scale, a11 = (sinA * tanS + cosA) / scale;
    if (m_config.flipProbability > 0) {
        // A mirror is x -> -x on the output side: negate the first column. Drawn last and only
        // when asked for, so configurations without a flip keep their random sequence.
        const auto mirror = 1.0 - 2.0 * mirrorDraw(b).to(at::kDouble);
        a00 = a00 * mirror;
        a10 = a10 * mirror;
    }
    auto theta = at::stack({at::stack({a00, a01, tx}, 1), at::stack({a10, a11, ty}, 1)}, 1).to(at::kFloat);
    auto grid = at::affine_grid_generator(theta, {b, 1, h, w}, /*align_corners=*/false);

    if (m_config.elasticAlpha > 0) {
        // Simard et al.: a random displacement field smoothed by a Gaussian, scaled to alpha pixels.
        auto field = at::rand({b * 2, 1, h, w}, m_generator, at::kFloat) * 2 - 1;
        const auto k = gaussianKernel1d(m_config.elasticSigma);
        const auto radius = (k.size(0) - 1) / 2;
        const std::vector<std::int64_t> stride{1, 1}, padRows{radius, 0}, padCols{0, radius};
        field = at::conv2d(field, k.view({1, 1, -1, 1}), at::Tensor(), stride, padRows);
        field = at::conv2d(field, k.view({1, 1, 1, -1}), at::Tensor(), stride, padCols);
        field = field / field.abs().amax({1, 2, 3}, true).clamp_min(1e-6);
        field = field.view({b, 2, h, w}).permute({0, 2, 3, 1});  // [B, H, W, (dx, dy)]
        auto pixelsToGrid = at::tensor({2.0f / static_cast<float>(w), 2.0f / static_cast<float>(h)});
        grid = grid + field * (m_config.elasticAlpha * pixelsToGrid);
    }
    return grid.to(device);
}

void Augmenter::erase(at::Tensor& images) {
    // Zhong et al.'s random erasing, filled with background: one rectangle of 2-20% of the
    // image with an aspect ratio in [0.3, 3.3] per chosen image.
    const auto b = images.size(0), h = images.size(2), w = images.size(3);
    const auto chosen = (at::rand({b}, m_generator) < m_config.eraseProbability);
    const auto area = uniform(b, 0.02, 0.2, m_generator) * static_cast<double>(h * w);
    const auto ratio = at::exp(uniform(b, std::log(0.3), std::log(3.3), m_generator));
    const auto eh = at::sqrt(area * ratio).round().clamp(1, static_cast<double>(h));
    const auto ew = at::sqrt(area / ratio).round().clamp(1, static_cast<double>(w));
    const auto y0 = (at::rand({b}, m_generator, at::kDouble) * (h - eh + 1)).floor();
    const auto x0 = (at::rand({b}, m_generator, at::kDouble) * (w - ew + 1)).floor();
    // A mask built from coordinate comparisons: one vectorised pass over the batch.
    const auto ys = at::arange(h, at::kDouble).view({1, h, 1});
    const auto xs = at::arange(w, at::kDouble).view({1, 1, w});
    auto inside = (ys >= y0.view({b, 1, 1})) & (ys < (y0 + eh).view({b, 1, 1})) & (xs >= x0.view({b, 1, 1})) &
                  (xs < (x0 + ew).view({b, 1, 1})) & chosen.view({b, 1, 1});
    images.masked_fill_(inside.unsqueeze(1).to(images.device()), 0.0);
}

void Augmenter::jitter(at::Tensor& images) {
    // torchvision's ColorJitter order (brightness, contrast, saturation), each factor uniform in
    // [1 - x, 1 + x], drawn only for the parts that are on so other settings keep their draws.
    const auto b = images.size(0);
    auto factor = [&](double amount) {
        return uniform(b, std::max(0.0, 1 - amount), 1 + amount, m_generator).to(at::kFloat).to(images.device()).view(
            {b, 1, 1, 1});
    };
    auto gray = [&](const at::Tensor& x) {
        if (x.size(1) != 3)
            return x.mean(1, true);
        // ITU-R 601 luma, as torchvision's rgb_to_grayscale.
        return (x.select(1, 0) * 0.299f + x.select(1, 1) * 0.587f + x.select(1, 2) * 0.114f).unsqueeze(1);
    };
    if (m_config.brightness > 0)
        images = (images * factor(m_config.brightness)).clamp_(0, 1);
    if (m_config.contrast > 0) {
        const auto mean = gray(images).mean({1, 2, 3}, true);
        const auto f = factor(m_config.contrast);
        images = (images * f + mean * (1 - f)).clamp_(0, 1);
    }
    if (m_config.saturation > 0 && images.size(1) == 3) {
        const auto f = factor(m_config.saturation);
        images = (images * f + gray(images) * (1 - f)).clamp_(0, 1);
    }
}

at::Tensor Augmenter::apply(const at::Tensor& images) {
    at::Tensor out = images;
    if (m_resamples) {
        const auto grid = samplingGrid(images.size(0), images.size(2), images.size(3), images.device());
        out = at::grid_sampler(images, grid, /*interpolation bilinear*/ 0, /*padding zeros*/ 0,
                               /*align_corners=*/false);
    } else if (m_config.flipProbability > 0) {
        // Mirrors alone move whole pixels: flip the chosen images instead of resampling every
        // image through a sampling grid (for a dense net that costs more than its training step).
        const auto chosen = mirrorDraw(images.size(0)).to(images.device()).view({-1, 1, 1, 1});
        out = at::where(chosen, images.flip({3}), images);
    } else {
        out = images.clone();
    }
    if (m_config.jitters())
        jitter(out);
    if (m_config.eraseProbability > 0)
        erase(out);
    return out;
}

std::vector<std::vector<std::uint8_t>> augmentPreview(const AugmentConfig& config, const std::uint8_t* image, int rows,
                                                      int cols, int count, std::uint64_t seed, int channels) {
    auto source =
        at::from_blob(const_cast<std::uint8_t*>(image), {1, channels, rows, cols}, at::kByte).to(at::kFloat) / 255.0;
    auto batch = source.expand({count, channels, rows, cols}).contiguous();
    Augmenter augmenter(config, seed);
    auto out = (augmenter.apply(batch).clamp(0, 1) * 255.0).round().to(at::kByte).contiguous();
    std::vector<std::vector<std::uint8_t>> images;
    const auto* data = out.data_ptr<std::uint8_t>();
    const std::ptrdiff_t size = static_cast<std::ptrdiff_t>(channels) * rows * cols;
    for (int i = 0; i < count; ++i)
        images.emplace_back(data + i * size, data + (i + 1) * size);
    return images;
}

}  // namespace kanalab
