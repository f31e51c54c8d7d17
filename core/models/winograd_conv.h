// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// 3x3 convolutions through oneDNN's Winograd kernels (F(4x4, 3x3)): 2.25 to 4 times fewer
// multiplications than the direct algorithm that LibTorch 1.13 asks oneDNN for, which already
// runs near the CPU's peak. Forward, backward-data and backward-weights all use Winograd.
// Results differ from the direct algorithm by float rounding only (relative 1e-5 to 1e-4).
// Needs oneDNN's headers at build time (libdnnl-dev; KANALAB_HAVE_DNNL) and an AVX-512 CPU;
// otherwise winogradAvailable() is false and callers keep LibTorch's convolution (as they do
// when the environment sets KANALAB_WINOGRAD=0).
// Internal to core/models.

#include <ATen/core/Tensor.h>
#include <torch/nn/modules/conv.h>

namespace kanalab::models {

bool winogradAvailable();

// A layer oneDNN's Winograd kernels accept, on this input: 3x3, stride 1, padding 1, no
// dilation or groups, zero padding, channel counts that are multiples of 16, float32 on the CPU.
bool winogradEligible(const torch::nn::Conv2dImpl& conv, const at::Tensor& input);

// conv2d(input, weight, bias, stride 1, padding 1) with autograd; bias may be undefined. The
// result is in channels-last order.
at::Tensor winogradConv2d(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias);

}  // namespace kanalab::models
