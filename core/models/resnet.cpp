// SPDX-License-Identifier: GPL-3.0-or-later
// ResNet-18/34 (He et al.) adapted to 28x28: a 3x3 stride-1 stem without the max pool (the
// ImageNet 7x7/2 stem + pool would shrink 28 pixels to 7 before the first residual unit), then
// four stages of basic blocks at strides 1, 2, 2, 2, global average pooling and a dense layer.
// The width option scales the stages (base, 2x, 4x, 8x): 64 is the paper's width.
#include "models/layer_helpers.h"

namespace kanalab::models {
namespace {

torch::nn::Sequential buildResnet(const ModelSpec& spec, const ModelInfo& info, const int (&blocks)[4]) {
    const int base = intOption(spec, info, "width", 8, 128);
    torch::nn::Sequential layers;
    layers->push_back("stem", conv(spec.channels, base, 3, 1, 1, false));
    layers->push_back("stem_bn", torch::nn::BatchNorm2d(base));
    layers->push_back("stem_relu", torch::nn::ReLU());
    int in = base;
    for (int stage = 0; stage < 4; ++stage) {
        const int out = base << stage;
        layers->push_back("stage" + std::to_string(stage + 1), ResidualStage(in, out, blocks[stage], stage > 0 ? 2 : 1));
        in = out;
    }
    layers->push_back("pool", torch::nn::AdaptiveAvgPool2d(1));
    layers->push_back("flatten", torch::nn::Flatten());
    layers->push_back("out", torch::nn::Linear(in, spec.numClasses));
    return layers;
}

torch::nn::Sequential buildResnet18(const ModelSpec& spec, const ModelInfo& info) {
    static const int blocks[4] = {2, 2, 2, 2};
    return buildResnet(spec, info, blocks);
}

torch::nn::Sequential buildResnet34(const ModelSpec& spec, const ModelInfo& info) {
    static const int blocks[4] = {3, 4, 6, 3};
    return buildResnet(spec, info, blocks);
}

}  // namespace

const Architecture& resnet18Architecture() {
    static const Architecture architecture{
        {"resnet18",
         "ResNet-18: 8 residual units with batch norm, stem adapted to 28x28",
         {{"width", "64", {}, "channels of the first stage (then x2, x4, x8)"}},
         true},
        buildResnet18};
    return architecture;
}

const Architecture& resnet34Architecture() {
    static const Architecture architecture{
        {"resnet34",
         "ResNet-34: 16 residual units with batch norm, stem adapted to 28x28",
         {{"width", "64", {}, "channels of the first stage (then x2, x4, x8)"}},
         true},
        buildResnet34};
    return architecture;
}

}  // namespace kanalab::models
