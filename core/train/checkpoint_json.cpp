// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/checkpoint_json.h"

#include "train/train_config_json.h"

#include <cmath>

namespace kanalab {

nlohmann::json numberOrNull(double value) { return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(); }

double numberOrNaN(const nlohmann::json& j, const char* key) {
    const auto it = j.find(key);
    return it == j.end() || it->is_null() ? std::nan("") : it->get<double>();
}

void to_json(nlohmann::json& j, const ModelSpec& v) {
    j = {{"channels", v.channels}, {"height", v.height}, {"width", v.width}, {"numClasses", v.numClasses},
         {"options", v.options}};
}
void from_json(const nlohmann::json& j, ModelSpec& v) {
    v.channels = j.value("channels", 1);
    v.height = j.value("height", 28);
    v.width = j.value("width", 28);
    v.numClasses = j.value("numClasses", 10);
    v.options = j.value("options", std::map<std::string, std::string>{});
}

void to_json(nlohmann::json& j, const ClassInfo& v) {
    j = {{"index", v.index}, {"label", v.label}, {"glyph", v.glyph}, {"romaji", v.romaji}};
}
void from_json(const nlohmann::json& j, ClassInfo& v) {
    v.index = j.value("index", 0);
    v.label = j.value("label", "");
    v.glyph = j.value("glyph", "");
    v.romaji = j.value("romaji", "");
}

void to_json(nlohmann::json& j, const EpochResult& v) {
    j = {{"epoch", v.epoch},
         {"trainLoss", numberOrNull(v.trainLoss)},
         {"trainAccuracy", numberOrNull(v.trainAccuracy)},
         {"validationLoss", numberOrNull(v.validationLoss)},
         {"validationAccuracy", numberOrNull(v.validationAccuracy)},
         {"validationBalancedAccuracy", numberOrNull(v.validationBalancedAccuracy)},
         {"learningRate", v.learningRate},
         {"seconds", v.seconds},
         {"best", v.best}};
}
void from_json(const nlohmann::json& j, EpochResult& v) {
    v.epoch = j.value("epoch", 0);
    v.trainLoss = numberOrNaN(j, "trainLoss");
    v.trainAccuracy = numberOrNaN(j, "trainAccuracy");
    v.validationLoss = numberOrNaN(j, "validationLoss");
    v.validationAccuracy = numberOrNaN(j, "validationAccuracy");
    v.validationBalancedAccuracy = numberOrNaN(j, "validationBalancedAccuracy");
    v.learningRate = j.value("learningRate", 0.0);
    v.seconds = j.value("seconds", 0.0);
    v.best = j.value("best", false);
}

void to_json(nlohmann::json& j, const EarlyStopping::State& v) {
    j = {{"bestEpoch", v.bestEpoch},
         {"bestAccuracy", v.bestAccuracy},
         {"bestLoss", numberOrNull(v.bestLoss)},
         {"bestMonitored", numberOrNull(v.bestMonitored)},
         {"lastAccuracy", v.lastAccuracy},
         {"epochsWithoutImprovement", v.epochsWithoutImprovement}};
}
void from_json(const nlohmann::json& j, EarlyStopping::State& v) {
    v.bestEpoch = j.value("bestEpoch", 0);
    v.bestAccuracy = j.value("bestAccuracy", -1.0);
    v.bestLoss = j.contains("bestLoss") && !j["bestLoss"].is_null() ? j["bestLoss"].get<double>() : INFINITY;
    v.bestMonitored = j.contains("bestMonitored") && !j["bestMonitored"].is_null() ? j["bestMonitored"].get<double>()
                                                                                   : -INFINITY;
    v.lastAccuracy = j.value("lastAccuracy", -1.0);
    v.epochsWithoutImprovement = j.value("epochsWithoutImprovement", 0);
}

void to_json(nlohmann::json& j, const CheckpointMeta& v) {
    j = {{"formatVersion", v.formatVersion},
         {"architecture", v.architecture},
         {"spec", v.spec},
         {"config", v.config},
         {"dataset", v.dataset},
         {"classes", v.classes},
         {"normalizationMean", v.normalizationMean},
         {"normalizationStd", v.normalizationStd},
         {"epoch", v.epoch},
         {"history", v.history},
         {"earlyStop", v.earlyStop},
         {"optimizerSteps", v.optimizerSteps},
         {"note", v.note}};
}
void from_json(const nlohmann::json& j, CheckpointMeta& v) {
    v.formatVersion = j.value("formatVersion", 1);
    v.architecture = j.at("architecture").get<std::string>();
    v.spec = j.value("spec", ModelSpec{});
    if (j.contains("config"))
        v.config = j.at("config").get<TrainConfig>();
    v.dataset = j.value("dataset", "");
    v.classes = j.value("classes", std::vector<ClassInfo>{});
    // Format 1 wrote one number for all channels; format 2 a list, one per channel.
    const auto perChannel = [&](const char* key, float fallback) {
        if (!j.contains(key))
            return std::vector<float>{fallback};
        const auto& value = j.at(key);
        return value.is_array() ? value.get<std::vector<float>>() : std::vector<float>{value.get<float>()};
    };
    v.normalizationMean = perChannel("normalizationMean", 0.0f);
    v.normalizationStd = perChannel("normalizationStd", 1.0f);
    v.epoch = j.value("epoch", 0);
    v.history = j.value("history", std::vector<EpochResult>{});
    v.earlyStop = j.value("earlyStop", EarlyStopping::State{});
    v.optimizerSteps = j.value("optimizerSteps", std::int64_t{0});
    v.note = j.value("note", "");
}

void to_json(nlohmann::json& j, const ClassMetrics& v) {
    j = {{"precision", v.precision}, {"recall", v.recall}, {"f1", v.f1}, {"support", v.support}};
}
void from_json(const nlohmann::json& j, ClassMetrics& v) {
    v.precision = j.value("precision", 0.0);
    v.recall = j.value("recall", 0.0);
    v.f1 = j.value("f1", 0.0);
    v.support = j.value("support", std::int64_t{0});
}

void to_json(nlohmann::json& j, const EvalReport& v) {
    j = {{"split", v.split},
         {"count", v.count},
         {"accuracy", v.accuracy},
         {"balancedAccuracy", v.balancedAccuracy},
         {"loss", numberOrNull(v.loss)},
         {"top3Accuracy", v.top3Accuracy},
         {"top5Accuracy", v.top5Accuracy},
         {"confusion", v.confusion},
         {"perClass", v.perClass},
         {"macro", v.macro},
         {"weighted", v.weighted},
         {"misclassifiedCount", v.misclassified.size()}};
}
void from_json(const nlohmann::json& j, EvalReport& v) {
    v.split = j.value("split", "");
    v.count = j.value("count", std::int64_t{0});
    v.accuracy = j.value("accuracy", 0.0);
    v.loss = numberOrNaN(j, "loss");
    v.top3Accuracy = j.value("top3Accuracy", 0.0);
    v.top5Accuracy = j.value("top5Accuracy", 0.0);
    v.confusion = j.value("confusion", std::vector<std::vector<std::int64_t>>{});
    v.perClass = j.value("perClass", std::vector<ClassMetrics>{});
    v.macro = j.value("macro", ClassMetrics{});
    v.weighted = j.value("weighted", ClassMetrics{});
    // Evaluations written before balanced accuracy existed: the same figure from the table.
    if (j.contains("balancedAccuracy"))
        v.balancedAccuracy = j.value("balancedAccuracy", 0.0);
    else if (!v.confusion.empty())
        fillClassMetrics(v);
}

}  // namespace kanalab
