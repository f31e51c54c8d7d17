// SPDX-License-Identifier: GPL-3.0-or-later
// Dense networks: the KMNIST study's 784-100-100-10 net (87.99% with Adagrad 0.01, batch 32,
// 20 epochs) and a deeper one with three hidden layers (>96%).
#include "models/layer_helpers.h"

namespace kanalab::models {
namespace {

torch::nn::Sequential buildDense(const ModelSpec& spec, const std::vector<int>& hidden, double dropout) {
    torch::nn::Sequential layers;
    layers->push_back("flatten", torch::nn::Flatten());
    int in = spec.channels * spec.height * spec.width;
    for (std::size_t i = 0; i < hidden.size(); ++i) {
        const std::string n = std::to_string(i + 1);
        layers->push_back("fc" + n, torch::nn::Linear(in, hidden[i]));
        layers->push_back("relu" + n, torch::nn::ReLU());
        if (dropout > 0)
            layers->push_back("dropout" + n, torch::nn::Dropout(dropout));
        in = hidden[i];
    }
    layers->push_back("out", torch::nn::Linear(in, spec.numClasses));
    return layers;
}

torch::nn::Sequential buildMlp(const ModelSpec& spec, const ModelInfo& info) {
    const int hidden = intOption(spec, info, "hidden", 1, 4096);
    return buildDense(spec, {hidden, hidden}, 0.0);
}

torch::nn::Sequential buildMlpDeep(const ModelSpec& spec, const ModelInfo& info) {
    return buildDense(spec, {512, 256, 128}, doubleOption(spec, info, "dropout", 0.0, 0.9));
}

}  // namespace

const Architecture& mlpArchitecture() {
    static const Architecture architecture{
        {"mlp",
         "dense net 784-100-100-10 with ReLU: the KMNIST baseline (87.99% in its study)",
         {{"hidden", "100", {}, "units in each of the two hidden layers"}},
         false},
        buildMlp};
    return architecture;
}

const Architecture& mlpDeepArchitecture() {
    static const Architecture architecture{
        {"mlp-deep",
         "dense net with three hidden ReLU layers 512-256-128 and dropout",
         {{"dropout", "0.2", {}, "dropout after each hidden layer"}},
         false},
        buildMlpDeep};
    return architecture;
}

}  // namespace kanalab::models
