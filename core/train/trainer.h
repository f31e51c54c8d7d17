// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "train/train_config.h"
#include "train/train_events.h"

#include <string>

namespace kanalab {

// Runs one training session on the calling thread and returns how it ended; it never throws
// for problems a person can fix (missing data, NaN loss, disk full, bad settings): those come
// back as TrainStatus::Failed with a message that says what to do. Torch-free interface: the
// GUI's worker thread and the CLI both call this.
//
// resumeRunDir: continue that run from its checkpoints/last.pt (its config.json is used and
// `config` is ignored except for `epochs`, which may be raised to train longer).
TrainOutcome runTraining(const TrainConfig& config, const TrainCallbacks& callbacks, TrainControl& control,
                         const std::string& resumeRunDir = "");

// The settings a run directory was started with (config.json).
TrainConfig readRunConfig(const std::string& runDir);

}  // namespace kanalab
