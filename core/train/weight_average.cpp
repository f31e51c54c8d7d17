// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/weight_average.h"

#include <ATen/ATen.h>
#include <torch/torch.h>

#include <algorithm>

namespace kanalab {

WeightAverage::WeightAverage(FlatParameters& parameters, torch::nn::Module& module, double decay)
    : m_params(parameters), m_decay(decay) {
    m_values = parameters.values().detach().clone();
    for (auto& buffer : module.buffers()) {
        if (buffer.is_floating_point()) {
            m_buffers.push_back(buffer);
            m_bufferAverages.push_back(buffer.detach().clone());
        }
    }
}

void WeightAverage::update() {
    torch::NoGradGuard noGrad;
    ++m_updates;
    // The usual warm-up (as in TensorFlow's ExponentialMovingAverage with num_updates): early
    // on the average follows the weights closely instead of remembering the random start.
    const double decay = std::min(m_decay, (1.0 + static_cast<double>(m_updates)) / (10.0 + static_cast<double>(m_updates)));
    m_values.lerp_(m_params.values(), 1.0 - decay);
    for (std::size_t i = 0; i < m_buffers.size(); ++i)
        m_bufferAverages[i].lerp_(m_buffers[i], 1.0 - decay);
}

void WeightAverage::adoptModelAsAverage() {
    torch::NoGradGuard noGrad;
    m_values.copy_(m_params.values());
    for (std::size_t i = 0; i < m_buffers.size(); ++i)
        m_bufferAverages[i].copy_(m_buffers[i]);
}

void WeightAverage::exchange() {
    torch::NoGradGuard noGrad;
    auto live = m_params.values().clone();
    m_params.values().copy_(m_values);
    m_values.copy_(live);
    for (std::size_t i = 0; i < m_buffers.size(); ++i) {
        auto liveBuffer = m_buffers[i].clone();
        m_buffers[i].copy_(m_bufferAverages[i]);
        m_bufferAverages[i].copy_(liveBuffer);
    }
}

void WeightAverage::swapIn() {
    if (!m_swapped) {
        exchange();
        m_swapped = true;
    }
}

void WeightAverage::swapOut() {
    if (m_swapped) {
        exchange();
        m_swapped = false;
    }
}

}  // namespace kanalab
