// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "train/flat_parameters.h"

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include <vector>

namespace kanalab {

// An exponential moving average of the weights (and of batch-norm statistics), the cheap
// cousin of SWA: evaluating the averaged weights usually beats the last ones by a few tenths
// of a percent. swapIn()/swapOut() exchange the live and averaged values in place, so the
// same model object evaluates either.
class WeightAverage {
public:
    WeightAverage(FlatParameters& parameters, torch::nn::Module& module, double decay);

    void update();
    void swapIn();
    void swapOut();
    bool swapped() const { return m_swapped; }

    at::Tensor& averagedValues() { return m_values; }
    std::vector<at::Tensor>& averagedBuffers() { return m_bufferAverages; }

    // Resuming: the average's warm-up depends on how many updates it has seen, so a checkpoint
    // carries the count; adoptModelAsAverage() takes the weights and buffers the module holds
    // now (loaded from a checkpoint's averaged model) as the average.
    std::int64_t updates() const { return m_updates; }
    void setUpdates(std::int64_t updates) { m_updates = updates; }
    void adoptModelAsAverage();

private:
    void exchange();

    FlatParameters& m_params;
    double m_decay;
    std::int64_t m_updates = 0;
    at::Tensor m_values;
    std::vector<at::Tensor> m_buffers;  // the module's float buffers (running mean / var)
    std::vector<at::Tensor> m_bufferAverages;
    bool m_swapped = false;
};

// Swaps the averaged weights in for a scope (evaluation, saving the best checkpoint).
class AveragedWeightsScope {
public:
    explicit AveragedWeightsScope(WeightAverage* average) : m_average(average) {
        if (m_average && !m_average->swapped())
            m_average->swapIn();
        else
            m_average = nullptr;
    }
    ~AveragedWeightsScope() {
        if (m_average)
            m_average->swapOut();
    }
    AveragedWeightsScope(const AveragedWeightsScope&) = delete;
    AveragedWeightsScope& operator=(const AveragedWeightsScope&) = delete;

private:
    WeightAverage* m_average;
};

}  // namespace kanalab
