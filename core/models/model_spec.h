// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kanalab {

// What a model is built for: the input shape and class count come from the dataset, so the
// same architectures serve grayscale 28x28 sets and, later, the user's RGB folders.
// Options are architecture-specific words ("pool" = "avg", "kernel" = "5"); each architecture
// lists the ones it understands (ModelInfo::options) and rejects the others.
struct ModelSpec {
    int channels = 1;
    int height = 28;
    int width = 28;
    int numClasses = 10;
    std::map<std::string, std::string> options;
};

struct ModelOption {
    std::string name;
    std::string defaultValue;
    std::vector<std::string> choices;  // empty: free-form (a number)
    std::string help;
};

// A row of a layer summary: the top-level layers in forward order.
struct LayerSummary {
    std::string name;                       // stable key prefix, e.g. "conv1"
    std::string type;                       // "Conv2d(1->6, 5x5, pad 2)"
    std::vector<std::int64_t> outputShape;  // without the batch dimension
    std::int64_t parameters = 0;
};

struct ModelInfo {
    std::string name;         // registry key and checkpoint architecture name: never renamed
    std::string description;  // one line
    std::vector<ModelOption> options;
    bool convolutional = true;  // decides the thread split (see common/threads.h)
};

struct ModelDescription {
    ModelInfo info;
    ModelSpec spec;
    std::int64_t parameters = 0;
    std::vector<LayerSummary> layers;
};

// Torch-free questions about the zoo, for the CLI and the GUI.
const std::vector<ModelInfo>& modelInfos();
const ModelInfo& findModelInfo(const std::string& name);  // throws kanalab::Error listing names
// Builds the model once on the CPU to count parameters and trace output shapes.
ModelDescription describeModel(const std::string& name, const ModelSpec& spec = {});
// "mlp, mlp-deep, lenet5, ..."
std::string knownModelNames();

}  // namespace kanalab
