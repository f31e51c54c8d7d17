// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "models/model_spec.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/pimpl.h>

#include <functional>
#include <string>

namespace kanalab {

// Every architecture is one named sequence of top-level layers. That single shape gives us,
// for free and for every model: the layer summary (names, output shapes, parameters), the
// feature maps of any layer for the GUI, and stable checkpoint keys ("layers.conv1.weight"),
// which must never be renamed once weights have shipped.
class ClassifierImpl : public torch::nn::Module {
public:
    ClassifierImpl(std::string architecture, ModelSpec spec, torch::nn::Sequential layers);

    // Convolutional architectures run in channels-last memory order on the CPU (see the .cpp);
    // the result is the same as in NCHW order.
    torch::Tensor forward(torch::Tensor input);

    using LayerObserver = std::function<void(const std::string& name, const torch::Tensor& output)>;
    // forward() that reports each top-level layer's output as it goes.
    torch::Tensor forwardObserved(torch::Tensor input, const LayerObserver& observe);

    const std::string& architecture() const { return m_architecture; }
    const ModelSpec& spec() const { return m_spec; }
    torch::nn::Sequential& layers() { return m_layers; }
    std::vector<std::string> layerNames() const;

private:
    std::string m_architecture;
    ModelSpec m_spec;
    torch::nn::Sequential m_layers;
    bool m_channelsLast = false;
};
TORCH_MODULE(Classifier);

// Builds the named architecture (options validated against its ModelInfo).
Classifier createModel(const std::string& name, const ModelSpec& spec = {});

std::int64_t countParameters(torch::nn::Module& module);

}  // namespace kanalab
