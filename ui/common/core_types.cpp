// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/core_types.h"

namespace kanalab::ui {

void registerCoreTypes() {
    qRegisterMetaType<kanalab::TrainConfig>();
    qRegisterMetaType<kanalab::TrainProgress>();
    qRegisterMetaType<kanalab::EpochResult>();
    qRegisterMetaType<kanalab::TrainOutcome>();
    qRegisterMetaType<kanalab::LogLevel>();
    qRegisterMetaType<kanalab::EvalReport>();
    qRegisterMetaType<kanalab::RunEvaluation>();
}

}  // namespace kanalab::ui
