// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "data/catalogue.h"
#include "models/classifier.h"
#include "train/early_stopping.h"
#include "train/train_config.h"
#include "train/train_events.h"

#include <ATen/core/Tensor.h>

#include <map>
#include <string>
#include <vector>

namespace kanalab {

class Optimizer;
class WeightAverage;
class FlatParameters;

// Everything besides tensors that a checkpoint carries, as JSON inside the file: enough to
// rebuild the model, label its outputs, preprocess inputs the same way, and resume training.
// 1: the first version (one normalisation mean and deviation); 2: per-channel normalisation.
constexpr int kCheckpointFormatVersion = 2;

struct CheckpointMeta {
    int formatVersion = kCheckpointFormatVersion;
    std::string architecture;
    ModelSpec spec;
    TrainConfig config;
    std::string dataset;
    std::vector<ClassInfo> classes;
    // Per channel (format 2); format 1 stored one value for all channels, read as a list of one.
    std::vector<float> normalizationMean{0.0f};
    std::vector<float> normalizationStd{1.0f};
    int epoch = 0;  // epochs completed
    std::vector<EpochResult> history;
    EarlyStopping::State earlyStop;
    std::int64_t optimizerSteps = 0;
    std::string note;  // free text: what this checkpoint is ("best", "last", a model card line)
};

// The pieces of a training session a checkpoint saves or restores; any may be null.
struct TrainingState {
    Classifier* model = nullptr;
    FlatParameters* parameters = nullptr;
    Optimizer* optimizer = nullptr;
    WeightAverage* average = nullptr;
};

// Writes the model's weights (the averaged ones when an average exists, since those are the ones
// evaluated), and for resuming the live weights and optimizer state. Atomic: temporary file,
// then rename. Throws kanalab::Error (with the system's reason, e.g. a full disk).
void saveCheckpoint(const std::string& path, const TrainingState& state, const CheckpointMeta& meta);

// Reads only the metadata. Throws a kanalab::Error that names the file when it is missing,
// damaged or not a KanaLab checkpoint.
CheckpointMeta readCheckpointMeta(const std::string& path);

// Builds the architecture the checkpoint names and loads its weights (eval mode, CPU).
Classifier loadModelFromCheckpoint(const std::string& path, CheckpointMeta* meta = nullptr);

// Restores into an existing session (resume). The architecture and parameter count must match:
// "checkpoint X holds a cnn-vgg model; it cannot be loaded into lenet5".
CheckpointMeta loadCheckpointInto(const std::string& path, const TrainingState& state);

}  // namespace kanalab
