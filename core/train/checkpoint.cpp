// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/checkpoint.h"

#include "common/atomic_file.h"
#include "common/error.h"
#include "data/byte_stream.h"
#include "data/data_dirs.h"
#include "train/checkpoint_json.h"
#include "train/optimizer.h"
#include "train/weight_average.h"

#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <torch/torch.h>

#include <sstream>

namespace kanalab {
namespace {

constexpr const char* kMetaKey = "kanalab_meta";
constexpr const char* kModelKey = "model";
constexpr const char* kLiveKey = "live_parameters";  // un-averaged weights (first checkpoints)
constexpr const char* kLiveModelKey = "live_model";  // un-averaged weights and buffers, for resuming
constexpr const char* kAverageUpdatesKey = "average_updates";
constexpr const char* kOptimizerKey = "optimizer";

// c10::Error messages carry a C++ backtrace: keep the first line, which says what went wrong.
std::string firstLine(const std::string& text) {
    const auto newline = text.find('\n');
    return newline == std::string::npos ? text : text.substr(0, newline);
}

torch::serialize::InputArchive openArchive(const std::string& path) {
    if (!isRegularFile(path)) {
        if (isDirectory(path))
            throw Error(path + ": is a folder, not a checkpoint file");
        throw Error(path + ": no such checkpoint file");
    }
    torch::serialize::InputArchive archive;
    try {
        archive.load_from(path);
    } catch (const c10::Error& e) {
        throw Error(path + ": not a KanaLab checkpoint, or the file is damaged (" + firstLine(e.what_without_backtrace()) +
                    ")");
    }
    return archive;
}

CheckpointMeta readMeta(torch::serialize::InputArchive& archive, const std::string& path) {
    c10::IValue value;
    if (!archive.try_read(kMetaKey, value) || !value.isString())
        throw Error(path + ": a LibTorch archive, but not a KanaLab checkpoint (it has no KanaLab metadata)");
    CheckpointMeta meta;
    try {
        meta = nlohmann::json::parse(value.toStringRef()).get<CheckpointMeta>();
    } catch (const nlohmann::json::exception& e) {
        throw Error(path + ": the checkpoint's metadata is damaged (" + e.what() + ")");
    }
    if (meta.formatVersion > kCheckpointFormatVersion)
        throw Error(path + ": written by a newer KanaLab (checkpoint format " + std::to_string(meta.formatVersion) +
                    "; this version reads up to " + std::to_string(kCheckpointFormatVersion) + ")");
    return meta;
}

void loadModuleWeights(torch::serialize::InputArchive& archive, Classifier& model, const std::string& path) {
    torch::serialize::InputArchive modelArchive;
    if (!archive.try_read(kModelKey, modelArchive))
        throw Error(path + ": the checkpoint holds no model weights");
    try {
        model->load(modelArchive);
    } catch (const c10::Error& e) {
        throw Error(path + ": its weights do not fit the " + model->architecture() + " model built from it (" +
                    firstLine(e.what_without_backtrace()) + ")");
    }
}

// Module::save, but writing copies. OutputArchive::write keeps a reference to each tensor, and
// the archive is serialised only at the end: the averaged weights saved inside an
// AveragedWeightsScope would be swapped back to the live ones by then, so every "averaged"
// checkpoint held the live weights.
void saveModuleSnapshot(const torch::nn::Module& module, torch::serialize::OutputArchive& archive) {
    for (const auto& item : module.named_parameters(/*recurse=*/false))
        archive.write(item.key(), item.value().detach().clone());
    for (const auto& item : module.named_buffers(/*recurse=*/false))
        archive.write(item.key(), item.value().detach().clone(), /*is_buffer=*/true);
    for (const auto& child : module.named_children()) {
        if (!child.value()->is_serializable())
            continue;
        torch::serialize::OutputArchive childArchive(archive.compilation_unit());
        saveModuleSnapshot(*child.value(), childArchive);
        archive.write(child.key(), childArchive);
    }
}

std::string shapeText(const at::Tensor& t) {
    std::string text = "[";
    for (auto size : t.sizes())
        text += (text.size() > 1 ? "x" : "") + std::to_string(size);
    return text + "]";
}

void copyTensor(torch::serialize::InputArchive& archive, const std::string& key, at::Tensor& target, bool isBuffer,
                const std::string& prefix) {
    at::Tensor loaded;
    if (!archive.try_read(key, loaded, isBuffer))
        throw Error("it has no " + prefix + key);
    if (loaded.sizes() != target.sizes())
        throw Error(prefix + key + " is " + shapeText(loaded) + " in the checkpoint but " + shapeText(target) +
                    " in the model");
    target.copy_(loaded);
}

// Copies the archive's tensors into the module's existing ones. Module::load would re-point each
// parameter at the loaded storage instead (InputArchive::read assigns with Tensor::set_), which
// cuts a training session's parameters loose from its FlatParameters buffer: the optimizer then
// updates a buffer the model no longer reads, and a resumed run trains nothing.
void copyModuleTensors(torch::serialize::InputArchive& archive, torch::nn::Module& module, const std::string& prefix) {
    for (auto& item : module.named_parameters(/*recurse=*/false))
        copyTensor(archive, item.key(), item.value(), /*isBuffer=*/false, prefix);
    for (auto& item : module.named_buffers(/*recurse=*/false))
        copyTensor(archive, item.key(), item.value(), /*isBuffer=*/true, prefix);
    for (const auto& child : module.named_children()) {
        torch::serialize::InputArchive childArchive;
        if (!archive.try_read(child.key(), childArchive))
            throw Error("it has no layer " + prefix + child.key());
        copyModuleTensors(childArchive, *child.value(), prefix + child.key() + ".");
    }
}

void copyModuleWeights(torch::serialize::InputArchive& archive, const char* key, Classifier& model,
                       const std::string& path) {
    torch::serialize::InputArchive modelArchive;
    if (!archive.try_read(key, modelArchive))
        throw Error(path + ": the checkpoint holds no model weights");
    torch::NoGradGuard noGrad;
    try {
        copyModuleTensors(modelArchive, *model, "");
    } catch (const c10::Error& e) {
        throw Error(path + ": its weights do not fit the " + model->architecture() + " model (" +
                    firstLine(e.what_without_backtrace()) + ")");
    } catch (const Error& e) {
        throw Error(path + ": its weights do not fit the " + model->architecture() + " model (" + e.what() + ")");
    }
}

}  // namespace

void saveCheckpoint(const std::string& path, const TrainingState& state, const CheckpointMeta& meta) {
    if (!state.model)
        throw Error("internal: saveCheckpoint without a model");
    std::ostringstream bytes;
    try {
        torch::serialize::OutputArchive archive;
        archive.write(kMetaKey, c10::IValue(nlohmann::json(meta).dump()));
        {
            // The weights that are evaluated: averaged when an average is kept.
            AveragedWeightsScope averaged(state.average);
            torch::serialize::OutputArchive modelArchive(archive.compilation_unit());
            saveModuleSnapshot(**state.model, modelArchive);
            archive.write(kModelKey, modelArchive);
        }
        if (state.average) {
            // The live weights and batch-norm statistics, and how far the average has warmed up:
            // resuming continues from these, not from the averaged ones.
            torch::serialize::OutputArchive liveArchive(archive.compilation_unit());
            saveModuleSnapshot(**state.model, liveArchive);
            archive.write(kLiveModelKey, liveArchive);
            archive.write(kAverageUpdatesKey, c10::IValue(state.average->updates()));
        }
        if (state.optimizer) {
            torch::serialize::OutputArchive optimizerArchive;
            for (const auto& [name, tensor] : state.optimizer->state())
                optimizerArchive.write(name, tensor);
            archive.write(kOptimizerKey, optimizerArchive);
        }
        archive.save_to(bytes);
    } catch (const c10::Error& e) {
        throw Error("cannot serialise the checkpoint " + path + ": " + firstLine(e.what_without_backtrace()));
    }
    writeFileAtomically(path, bytes.str());
}

CheckpointMeta readCheckpointMeta(const std::string& path) {
    auto archive = openArchive(path);
    return readMeta(archive, path);
}

Classifier loadModelFromCheckpoint(const std::string& path, CheckpointMeta* metaOut) {
    auto archive = openArchive(path);
    CheckpointMeta meta = readMeta(archive, path);
    Classifier model{nullptr};
    try {
        model = createModel(meta.architecture, meta.spec);
    } catch (const Error& e) {
        throw Error(path + ": cannot rebuild its model: " + e.what());
    }
    loadModuleWeights(archive, model, path);
    model->eval();
    if (metaOut)
        *metaOut = meta;
    return model;
}

CheckpointMeta loadCheckpointInto(const std::string& path, const TrainingState& state) {
    auto archive = openArchive(path);
    CheckpointMeta meta = readMeta(archive, path);
    Classifier& model = *state.model;
    if (meta.architecture != model->architecture())
        throw Error(path + " holds a " + meta.architecture + " model; it cannot be loaded into " +
                    model->architecture());
    if (meta.spec.channels != model->spec().channels || meta.spec.numClasses != model->spec().numClasses ||
        meta.spec.height != model->spec().height || meta.spec.width != model->spec().width ||
        meta.spec.options != model->spec().options)
        throw Error(path + " holds a " + meta.architecture + " built for other inputs or options (" +
                    std::to_string(meta.spec.channels) + "x" + std::to_string(meta.spec.height) + "x" +
                    std::to_string(meta.spec.width) + ", " + std::to_string(meta.spec.numClasses) +
                    " classes); it cannot be loaded into this one");
    torch::NoGradGuard noGrad;
    copyModuleWeights(archive, kModelKey, model, path);
    if (state.average) {
        // The module now holds the averaged weights: keep them as the average, restore the live.
        state.average->adoptModelAsAverage();
        torch::serialize::InputArchive liveArchive;
        at::Tensor live;
        if (archive.try_read(kLiveModelKey, liveArchive))
            copyModuleWeights(archive, kLiveModelKey, model, path);
        else if (state.parameters && archive.try_read(kLiveKey, live))
            state.parameters->values().copy_(live);
        c10::IValue updates;
        state.average->setUpdates(
            archive.try_read(kAverageUpdatesKey, updates) && updates.isInt() ? updates.toInt() : meta.optimizerSteps);
    }
    if (state.optimizer) {
        torch::serialize::InputArchive optimizerArchive;
        if (archive.try_read(kOptimizerKey, optimizerArchive)) {
            std::map<std::string, at::Tensor> tensors;
            for (const auto& key : optimizerArchive.keys()) {
                at::Tensor t;
                optimizerArchive.read(key, t);
                tensors[key] = t;
            }
            state.optimizer->loadState(tensors, meta.optimizerSteps);
        }
    }
    return meta;
}

}  // namespace kanalab
