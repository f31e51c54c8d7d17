// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include <string>
#include <vector>

namespace kanalab {

// Moves a module's trainable parameters into one contiguous buffer and their gradients into
// another, each parameter becoming a view of its slice. An optimizer step is then a handful of
// vector operations over one tensor instead of a dozen small operations per parameter (the
// multi-tensor idea of PyTorch's foreach optimizers, which fall back to per-tensor loops on
// CPU). Autograd keeps accumulating into the views because they are never replaced: zeroGrad()
// clears the buffer in place instead of dropping the gradients.
//
// Build it after the module has reached its device; moving the module afterwards would detach
// the parameters from the buffer.
class FlatParameters {
public:
    explicit FlatParameters(torch::nn::Module& module);

    at::Tensor& values() { return m_values; }
    at::Tensor& gradients() { return m_gradients; }
    std::int64_t size() const { return m_values.numel(); }

    void zeroGrad() { m_gradients.zero_(); }

    // Scales gradients so their global L2 norm is at most maxNorm; returns the norm before.
    double clipGradientNorm(double maxNorm);

private:
    at::Tensor m_values;
    at::Tensor m_gradients;
};

}  // namespace kanalab
