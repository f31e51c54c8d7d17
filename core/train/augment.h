// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "train/train_config.h"

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <cstdint>

namespace kanalab {

// On-the-fly augmentation of a batch of images in 0..1 with a dark (0) background, before
// normalisation. Random affine (rotation, translation, scale, shear) and elastic distortion are
// folded into one sampling grid and applied with a single grid_sample (mirrors too, unless they
// are the only transform: then the chosen images are flipped); random erasing blanks one
// rectangle per chosen image; colour jitter scales brightness, contrast and saturation per
// image. Seeded: the same seed gives the same distortions.
class Augmenter {
public:
    Augmenter(const AugmentConfig& config, std::uint64_t seed);

    void reseed(std::uint64_t seed);
    // images: float [B, C, H, W] on any device; returns a new tensor of the same shape.
    at::Tensor apply(const at::Tensor& images);
    bool active() const {
        return m_resamples || m_config.flipProbability > 0 || m_config.eraseProbability > 0 || m_config.jitters();
    }

private:
    at::Tensor samplingGrid(std::int64_t batch, std::int64_t height, std::int64_t width, const at::Device& device);
    void erase(at::Tensor& images);
    void jitter(at::Tensor& images);

    // One draw per image: true where it is mirrored (with probability flipProbability).
    at::Tensor mirrorDraw(std::int64_t batch);

    AugmentConfig m_config;
    // A transform that moves pixels by fractions (affine, elastic): every image goes through the
    // sampling grid, mirrors included. Without one, mirrors are a flip.
    bool m_resamples;
    at::Generator m_generator;
};

}  // namespace kanalab
