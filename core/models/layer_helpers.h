// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Building blocks shared by the architecture files. Internal to core/models.

#include "models/model_spec.h"

#include <torch/nn.h>

#include <string>

namespace kanalab::models {

// The option's value, or its declared default; throws when the value is not one of its choices.
std::string option(const ModelSpec& spec, const ModelInfo& info, const std::string& name);
int intOption(const ModelSpec& spec, const ModelInfo& info, const std::string& name, int min, int max);
double doubleOption(const ModelSpec& spec, const ModelInfo& info, const std::string& name, double min, double max);

// The element count of one sample after running `layers` on a zero input of spec's shape: lets
// an architecture size its dense head for any input size without hand arithmetic.
std::int64_t flattenedSize(torch::nn::Sequential& layers, const ModelSpec& spec);

torch::nn::Conv2d conv(int in, int out, int kernel, int padding = 0, int stride = 1, bool bias = true);
// A "same" convolution for odd kernels.
torch::nn::Conv2d sameConv(int in, int out, int kernel, bool bias = true);

// Residual unit of ResNet (two 3x3 convolutions with batch norm, projection shortcut when the
// shape changes). Lives here because several architectures use it.
class BasicBlockImpl : public torch::nn::Module {
public:
    BasicBlockImpl(int in, int out, int stride);
    torch::Tensor forward(torch::Tensor x);

private:
    torch::nn::Conv2d m_conv1{nullptr}, m_conv2{nullptr};
    torch::nn::BatchNorm2d m_bn1{nullptr}, m_bn2{nullptr};
    torch::nn::Sequential m_shortcut{nullptr};
};
TORCH_MODULE(BasicBlock);

// A stage of `count` basic blocks; the first one changes width and stride.
class ResidualStageImpl : public torch::nn::Module {
public:
    ResidualStageImpl(int in, int out, int count, int stride);
    torch::Tensor forward(torch::Tensor x);

private:
    std::vector<BasicBlock> m_blocks;
};
TORCH_MODULE(ResidualStage);

// Architecture entry points, one per file.
struct Architecture {
    ModelInfo info;
    torch::nn::Sequential (*build)(const ModelSpec& spec, const ModelInfo& info);
};

const Architecture& mlpArchitecture();
const Architecture& mlpDeepArchitecture();
const Architecture& lenet5Architecture();
const Architecture& cnnVggArchitecture();
const Architecture& sep1dArchitecture();
const Architecture& resnet18Architecture();
const Architecture& resnet34Architecture();
const Architecture& kanalabBestArchitecture();

}  // namespace kanalab::models
