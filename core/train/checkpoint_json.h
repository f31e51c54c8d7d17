// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// JSON forms of the plain structs that run files and checkpoints store. Internal to core.

#include "data/catalogue.h"
#include "eval/metrics.h"
#include "models/model_spec.h"
#include "train/checkpoint.h"
#include "train/train_events.h"

#include <nlohmann/json.hpp>

namespace kanalab {

void to_json(nlohmann::json& j, const ModelSpec& v);
void from_json(const nlohmann::json& j, ModelSpec& v);
void to_json(nlohmann::json& j, const ClassInfo& v);
void from_json(const nlohmann::json& j, ClassInfo& v);
void to_json(nlohmann::json& j, const EpochResult& v);
void from_json(const nlohmann::json& j, EpochResult& v);
void to_json(nlohmann::json& j, const EarlyStopping::State& v);
void from_json(const nlohmann::json& j, EarlyStopping::State& v);
void to_json(nlohmann::json& j, const CheckpointMeta& v);
void from_json(const nlohmann::json& j, CheckpointMeta& v);
void to_json(nlohmann::json& j, const ClassMetrics& v);
void from_json(const nlohmann::json& j, ClassMetrics& v);
void to_json(nlohmann::json& j, const EvalReport& v);  // without the misclassified list
void from_json(const nlohmann::json& j, EvalReport& v);

// NaN is not JSON: it is written as null and read back as NaN.
nlohmann::json numberOrNull(double value);
double numberOrNaN(const nlohmann::json& j, const char* key);

}  // namespace kanalab
