// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// KanaLab's own CPU kernels for the layers where LibTorch 1.13 is slow, used by
// ClassifierImpl::forward. The models are unchanged: the same layers with the same parameters
// compute the same function, only through faster code. Internal to core/models.

#include <ATen/core/Tensor.h>
#include <torch/nn/modules/container/sequential.h>

namespace kanalab::models {

// On unless KANALAB_FAST_LAYERS=0 is set in the environment (a switch for comparing against
// LibTorch's own kernels), or setFastLayers(false) was called.
bool fastLayersEnabled();
void setFastLayers(bool enabled);

// max_pool2d(x, 2) (stride 2, no padding, floor), and max_pool2d(relu(x), 2) when relu is true,
// as one pass with its own backward. Same values and same gradients as LibTorch's ops: the
// first maximum in scan order wins, NaN propagates. float32 CPU tensors in NCHW or NHWC order;
// the result keeps the input's order.
at::Tensor maxPool2x2(const at::Tensor& x, bool relu);

// Runs the layers in order like Sequential::forward, with the eligible ones (and ReLU followed
// by 2x2 max pooling) through the kernels above.
torch::Tensor forwardFast(torch::nn::Sequential& layers, torch::Tensor x);

}  // namespace kanalab::models
