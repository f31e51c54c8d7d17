// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The core's plain structs, made known to Qt's meta-type system so they travel in queued
// signals between the training thread and the UI thread. No torch here, ever: Qt's `slots`
// macro and torch's headers do not mix (see DESIGN.md).

#include "eval/metrics.h"
#include "eval/run_evaluation.h"
#include "train/train_config.h"
#include "train/train_events.h"

#include <QMetaType>
#include <QString>

Q_DECLARE_METATYPE(kanalab::TrainConfig)
Q_DECLARE_METATYPE(kanalab::TrainProgress)
Q_DECLARE_METATYPE(kanalab::EpochResult)
Q_DECLARE_METATYPE(kanalab::TrainOutcome)
Q_DECLARE_METATYPE(kanalab::LogLevel)
Q_DECLARE_METATYPE(kanalab::EvalReport)
Q_DECLARE_METATYPE(kanalab::RunEvaluation)

namespace kanalab::ui {

// Call once before the first queued connection (setUpApplication does).
void registerCoreTypes();

inline QString qs(const std::string& text) { return QString::fromStdString(text); }
inline std::string ss(const QString& text) { return text.toStdString(); }

}  // namespace kanalab::ui
