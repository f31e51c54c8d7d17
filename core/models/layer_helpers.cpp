// SPDX-License-Identifier: GPL-3.0-or-later
#include "models/layer_helpers.h"

#include "common/error.h"

#include <cerrno>
#include <cstdlib>

namespace kanalab::models {
namespace {

const ModelOption& findOption(const ModelInfo& info, const std::string& name) {
    for (const auto& option : info.options)
        if (option.name == name)
            return option;
    throw Error("internal: " + info.name + " has no option '" + name + "'");
}

}  // namespace

std::string option(const ModelSpec& spec, const ModelInfo& info, const std::string& name) {
    const ModelOption& declared = findOption(info, name);
    const auto it = spec.options.find(name);
    const std::string value = it == spec.options.end() ? declared.defaultValue : it->second;
    if (!declared.choices.empty()) {
        bool allowed = false;
        std::string list;
        for (const auto& choice : declared.choices) {
            allowed = allowed || choice == value;
            list += (list.empty() ? "" : ", ") + choice;
        }
        if (!allowed)
            throw Error(info.name + " option " + name + " must be one of " + list + ", got '" + value + "'");
    }
    return value;
}

int intOption(const ModelSpec& spec, const ModelInfo& info, const std::string& name, int min, int max) {
    const std::string text = option(spec, info, name);
    char* end = nullptr;
    const long value = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || value < min || value > max)
        throw Error(info.name + " option " + name + " must be a whole number from " + std::to_string(min) + " to " +
                    std::to_string(max) + ", got '" + text + "'");
    return static_cast<int>(value);
}

double doubleOption(const ModelSpec& spec, const ModelInfo& info, const std::string& name, double min, double max) {
    const std::string text = option(spec, info, name);
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !(value >= min && value <= max))
        throw Error(info.name + " option " + name + " must be a number from " + std::to_string(min) + " to " +
                    std::to_string(max) + ", got '" + text + "'");
    return value;
}

std::int64_t flattenedSize(torch::nn::Sequential& layers, const ModelSpec& spec) {
    torch::NoGradGuard noGrad;
    const bool wasTraining = layers->is_training();
    layers->eval();  // batch norm in training mode refuses a batch of one
    const auto out = layers->forward(torch::zeros({1, spec.channels, spec.height, spec.width}));
    layers->train(wasTraining);
    return out.numel();
}

torch::nn::Conv2d conv(int in, int out, int kernel, int padding, int stride, bool bias) {
    return torch::nn::Conv2d(
        torch::nn::Conv2dOptions(in, out, kernel).padding(padding).stride(stride).bias(bias));
}

torch::nn::Conv2d sameConv(int in, int out, int kernel, bool bias) { return conv(in, out, kernel, kernel / 2, 1, bias); }

BasicBlockImpl::BasicBlockImpl(int in, int out, int stride) {
    m_conv1 = register_module("conv1", conv(in, out, 3, 1, stride, false));
    m_bn1 = register_module("bn1", torch::nn::BatchNorm2d(out));
    m_conv2 = register_module("conv2", conv(out, out, 3, 1, 1, false));
    m_bn2 = register_module("bn2", torch::nn::BatchNorm2d(out));
    if (stride != 1 || in != out) {
        m_shortcut = register_module(
            "shortcut", torch::nn::Sequential(conv(in, out, 1, 0, stride, false), torch::nn::BatchNorm2d(out)));
    }
}

torch::Tensor BasicBlockImpl::forward(torch::Tensor x) {
    auto out = torch::relu(m_bn1(m_conv1(x)));
    out = m_bn2(m_conv2(out));
    out = out + (m_shortcut ? m_shortcut->forward(x) : x);
    return torch::relu(out);
}

ResidualStageImpl::ResidualStageImpl(int in, int out, int count, int stride) {
    for (int b = 0; b < count; ++b)
        m_blocks.push_back(register_module("block" + std::to_string(b + 1), BasicBlock(b == 0 ? in : out, out,
                                                                                          b == 0 ? stride : 1)));
}

torch::Tensor ResidualStageImpl::forward(torch::Tensor x) {
    for (auto& block : m_blocks)
        x = block(x);
    return x;
}

}  // namespace kanalab::models
