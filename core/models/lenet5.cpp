// SPDX-License-Identifier: GPL-3.0-or-later
// LeNet-5 as in the MNIST studies: conv 6@5x5 (pad 2) -> pool -> conv 16@5x5 -> pool ->
// 120 -> 84 -> classes, 61,706 parameters on 28x28. The from-scratch variant uses ELU,
// average pooling and Xavier initialisation; all three are options.
#include "models/layer_helpers.h"

namespace kanalab::models {
namespace {

torch::nn::AnyModule activation(const std::string& kind) {
    if (kind == "elu")
        return torch::nn::AnyModule(torch::nn::ELU());
    if (kind == "tanh")
        return torch::nn::AnyModule(torch::nn::Tanh());
    return torch::nn::AnyModule(torch::nn::ReLU());
}

torch::nn::AnyModule pooling(const std::string& kind) {
    if (kind == "avg")
        return torch::nn::AnyModule(torch::nn::AvgPool2d(2));
    return torch::nn::AnyModule(torch::nn::MaxPool2d(2));
}

torch::nn::Sequential buildLenet5(const ModelSpec& spec, const ModelInfo& info) {
    const std::string act = option(spec, info, "activation");
    const std::string pool = option(spec, info, "pool");
    torch::nn::Sequential layers;
    layers->push_back("conv1", conv(spec.channels, 6, 5, 2));
    layers->push_back("act1", activation(act));
    layers->push_back("pool1", pooling(pool));
    layers->push_back("conv2", conv(6, 16, 5));
    layers->push_back("act2", activation(act));
    layers->push_back("pool2", pooling(pool));
    layers->push_back("flatten", torch::nn::Flatten());
    const auto features = flattenedSize(layers, spec);
    layers->push_back("fc1", torch::nn::Linear(features, 120));
    layers->push_back("act3", activation(act));
    layers->push_back("fc2", torch::nn::Linear(120, 84));
    layers->push_back("act4", activation(act));
    layers->push_back("out", torch::nn::Linear(84, spec.numClasses));

    if (option(spec, info, "init") == "xavier") {
        torch::NoGradGuard noGrad;
        for (auto& item : layers->named_parameters()) {
            if (item.key().find("weight") != std::string::npos)
                torch::nn::init::xavier_uniform_(item.value());
            else
                item.value().zero_();
        }
    }
    return layers;
}

}  // namespace

const Architecture& lenet5Architecture() {
    static const Architecture architecture{
        {"lenet5",
         "LeNet-5: two 5x5 convolutions with pooling, then 120-84 dense (61,706 parameters)",
         {{"pool", "max", {"max", "avg"}, "pooling after each convolution"},
          {"activation", "relu", {"relu", "elu", "tanh"}, "activation function"},
          {"init", "default", {"default", "xavier"}, "weight initialisation"}},
         true},
        buildLenet5};
    return architecture;
}

}  // namespace kanalab::models
