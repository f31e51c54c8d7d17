// SPDX-License-Identifier: GPL-3.0-or-later
// LeNet-5 as in the MNIST studies: conv 6@5x5 (pad 2) -> pool -> conv 16@5x5 -> pool ->
// 120 -> 84 -> classes, 61,706 parameters on 28x28. The from-scratch variant uses ELU,
// average pooling and Xavier initialisation; all three are options. The "modified" variant is the
// colour mini-ImageNet study's: 3x3 convolutions and a third convolution with pooling.
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
    // Convolution block n: conv<n>, act<n>, pool<n>.
    auto block = [&](int n, int in, int out, int kernel, int padding) {
        const std::string id = std::to_string(n);
        layers->push_back("conv" + id, conv(in, out, kernel, padding));
        layers->push_back("act" + id, activation(act));
        layers->push_back("pool" + id, pooling(pool));
    };
    const bool modified = option(spec, info, "variant") == "modified";
    if (modified) {
        // 32x32: 3x3 pad 1 -> 16x16 -> 3x3 -> 14 -> 7 -> 3x3 pad 1 -> 7 -> 3: 32 x 3 x 3 features.
        block(1, spec.channels, 6, 3, 1);
        block(2, 6, 16, 3, 0);
        block(3, 16, 32, 3, 1);
    } else {
        block(1, spec.channels, 6, 5, 2);
        block(2, 6, 16, 5, 0);
    }
    layers->push_back("flatten", torch::nn::Flatten());
    const auto features = flattenedSize(layers, spec);
    // Activations are numbered in order (classic: act3 and act4 after the dense layers).
    const int convBlocks = modified ? 3 : 2;
    layers->push_back("fc1", torch::nn::Linear(features, 120));
    layers->push_back("act" + std::to_string(convBlocks + 1), activation(act));
    layers->push_back("fc2", torch::nn::Linear(120, 84));
    layers->push_back("act" + std::to_string(convBlocks + 2), activation(act));
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
          {"init", "default", {"default", "xavier"}, "weight initialisation"},
          {"variant", "classic", {"classic", "modified"},
           "classic: two 5x5 convolutions; modified: three 3x3 convolutions, each with pooling (the colour study's)"}},
         true},
        buildLenet5};
    return architecture;
}

}  // namespace kanalab::models
