// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/train_config.h"

#include "common/error.h"
#include "models/model_spec.h"

#include "train/train_config_json.h"

#include <cmath>

namespace kanalab {

bool AugmentConfig::enabled() const {
    return rotationDegrees > 0 || translate > 0 || scaleMin != 1.0 || scaleMax != 1.0 || shearDegrees > 0 ||
           elasticAlpha > 0 || eraseProbability > 0 || mixupAlpha > 0 || flipProbability > 0 || jitters();
}

bool AugmentConfig::jitters() const { return brightness > 0 || contrast > 0 || saturation > 0;
}

std::string trainConfigToJson(const TrainConfig& config) { return nlohmann::json(config).dump(2); }

TrainConfig trainConfigFromJson(const std::string& text) {
    try {
        return nlohmann::json::parse(text).get<TrainConfig>();
    } catch (const nlohmann::json::exception& e) {
        throw Error(std::string("the training configuration is not valid JSON of the expected shape: ") + e.what());
    }
}

namespace {

void require(bool ok, const std::string& message) {
    if (!ok)
        throw Error(message);
}

bool oneOf(const std::string& value, std::initializer_list<const char*> allowed) {
    for (const char* option : allowed)
        if (value == option)
            return true;
    return false;
}

}  // namespace

void validateTrainConfig(const TrainConfig& c) {
    findDataset(c.dataset, dataRoots(c.dataDir));
    findModelInfo(c.model);
    require(c.epochs >= 1 && c.epochs <= 10000, "epochs must be from 1 to 10000, got " + std::to_string(c.epochs));
    require(c.batchSize >= 1 && c.batchSize <= 65536,
            "batch size must be from 1 to 65536, got " + std::to_string(c.batchSize));
    require(c.validationFraction >= 0 && c.validationFraction < 0.9,
            "validation split must be at least 0 and below 0.9, got " + std::to_string(c.validationFraction));
    require(c.syntheticForms.empty() || oneOf(c.syntheticForms, {"print", "handwriting", "all"}),
            "synthetic forms must be print, handwriting or all, got '" + c.syntheticForms + "'");
    require(c.syntheticPerFont >= 1 && c.syntheticPerFont <= 1000, "synthetic copies per font: 1 to 1000");
    require(oneOf(c.optimizer.name, {"sgd", "adam", "adamw", "adagrad", "adadelta", "rmsprop"}),
            "unknown optimizer '" + c.optimizer.name + "': use sgd, adam, adamw, adagrad, adadelta or rmsprop");
    require(c.optimizer.learningRate > 0 && c.optimizer.learningRate <= 100 && std::isfinite(c.optimizer.learningRate),
            "learning rate must be above 0 and at most 100, got " + std::to_string(c.optimizer.learningRate));
    require(c.optimizer.weightDecay >= 0, "weight decay cannot be negative");
    require(c.optimizer.momentum >= 0 && c.optimizer.momentum < 1, "momentum must be in [0, 1)");
    require(!c.optimizer.nesterov || c.optimizer.momentum > 0, "Nesterov momentum needs a momentum above 0");
    require(oneOf(c.schedule.name, {"constant", "step", "cosine", "one-cycle"}),
            "unknown schedule '" + c.schedule.name + "': use constant, step, cosine or one-cycle");
    require(c.schedule.warmupEpochs >= 0 && c.schedule.warmupEpochs < c.epochs,
            "warm-up must be shorter than the run");
    require(c.schedule.stepEpochs >= 1, "the step schedule needs a step of at least 1 epoch");
    require(oneOf(c.loss.name, {"cross-entropy", "multi-margin"}),
            "unknown loss '" + c.loss.name + "': use cross-entropy or multi-margin");
    require(c.loss.labelSmoothing >= 0 && c.loss.labelSmoothing < 1, "label smoothing must be in [0, 1)");
    require(oneOf(c.earlyStop.mode, {"none", "patience", "drop"}),
            "unknown early-stop mode '" + c.earlyStop.mode + "': use none, patience or drop");
    require(oneOf(c.earlyStop.monitor, {"val-accuracy", "val-balanced-accuracy", "val-loss"}),
            "early stopping monitors val-accuracy, val-balanced-accuracy or val-loss, not '" + c.earlyStop.monitor + "'");
    require(oneOf(c.loss.classWeights, {"none", "balanced"}),
            "class weights must be none or balanced, got '" + c.loss.classWeights + "'");
    require(c.loss.classWeights == "none" || c.loss.name == "cross-entropy",
            "class weights apply to the cross-entropy loss only");
    require(oneOf(c.sampler, {"shuffle", "balanced"}), "the sampler must be shuffle or balanced, got '" + c.sampler + "'");
    require(c.earlyStop.mode == "none" || c.validationFraction > 0,
            "early stopping needs a validation set: set a validation split above 0");
    require(c.augment.scaleMin > 0 && c.augment.scaleMin <= c.augment.scaleMax,
            "augmentation scale range must be positive and ordered (min <= max)");
    require(c.augment.eraseProbability >= 0 && c.augment.eraseProbability <= 1,
            "random erasing probability must be in [0, 1]");
    for (const auto& [name, value] : {std::pair<const char*, double>{"brightness", c.augment.brightness},
                                      {"contrast", c.augment.contrast},
                                      {"saturation", c.augment.saturation}})
        require(value >= 0 && value <= 1, std::string(name) + " jitter must be from 0 (off) to 1, got " +
                                              std::to_string(value));
    require(c.emaDecay >= 0 && c.emaDecay < 1, "weight averaging decay must be in [0, 1)");
    require(c.gradientClipNorm >= 0, "gradient clipping norm cannot be negative");
    require(c.threads >= 0 && c.threads <= 256, "threads must be from 0 (automatic) to 256");
    require(c.blasThreads >= 0 && c.blasThreads <= 256, "BLAS threads must be from 0 (automatic) to 256");
    require(c.device == "cpu" || c.device == "cuda", "device must be cpu or cuda, got '" + c.device + "'");
    for (int epoch : c.featureMapsAt)
        require(epoch >= 1 && epoch <= c.epochs, "feature maps can be saved after epochs 1 to " +
                                                     std::to_string(c.epochs) + ", not after epoch " + std::to_string(epoch));
    require(c.featureMapImage >= 0, "the feature-map image is a position in the validation split, from 0");
    require(c.testTimeAugmentation >= 0 && c.testTimeAugmentation <= 8, "test-time augmentation copies: 0 to 8");
}

}  // namespace kanalab
