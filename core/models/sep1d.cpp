// SPDX-License-Identifier: GPL-3.0-or-later
// A CNN of 1-D separable kernels: each block is a k x 1 convolution followed by a 1 x k one, which
// sees a k x k window with 2k instead of k^2 weights per channel pair, then batch norm and
// ReLU. Three blocks with pooling, then dropout and a dense layer. Kernel size 4, 5 or 6.
#include "models/layer_helpers.h"

namespace kanalab::models {
namespace {

torch::nn::Sequential buildSep1d(const ModelSpec& spec, const ModelInfo& info) {
    const int k = intOption(spec, info, "kernel", 4, 6);
    const int width = intOption(spec, info, "width", 8, 256);
    torch::nn::Sequential layers;
    int in = spec.channels;
    const int widths[] = {width, width * 2, width * 4};
    for (int b = 0; b < 3; ++b) {
        const std::string n = std::to_string(b + 1);
        const int out = widths[b];
        // Padding k/2 keeps odd kernels 'same'; even kernels grow the map by one pixel, which
        // the dense layer's size (measured, not computed by hand) absorbs.
        layers->push_back("conv" + n + "v", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, {k, 1})
                                                                   .padding({k / 2, 0})
                                                                   .bias(false)));
        layers->push_back("conv" + n + "h", torch::nn::Conv2d(torch::nn::Conv2dOptions(out, out, {1, k})
                                                                   .padding({0, k / 2})
                                                                   .bias(false)));
        layers->push_back("bn" + n, torch::nn::BatchNorm2d(out));
        layers->push_back("relu" + n, torch::nn::ReLU());
        layers->push_back("pool" + n, torch::nn::MaxPool2d(2));
        in = out;
    }
    layers->push_back("flatten", torch::nn::Flatten());
    layers->push_back("dropout", torch::nn::Dropout(0.3));
    layers->push_back("out", torch::nn::Linear(flattenedSize(layers, spec), spec.numClasses));
    return layers;
}

}  // namespace

const Architecture& sep1dArchitecture() {
    static const Architecture architecture{
        {"sep1d",
         "CNN of 1-D separable kernels (k x 1 then 1 x k), three blocks with batch norm",
         {{"kernel", "5", {"4", "5", "6"}, "length k of the 1-D kernels"},
          {"width", "32", {}, "channels of the first block (then x2, x4)"}},
         true},
        buildSep1d};
    return architecture;
}

}  // namespace kanalab::models
