// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "train/train_config.h"

#include <string>

namespace kanalab::cli {

// The compact specs of `kanalab-cli train` (UsageError on anything malformed):
//   --augment  none | default | rotate=10,translate=0.1,scale=0.9-1.1,shear=8,elastic=2:4,erase=0.3,flip=0.5,mixup=0.2
//              (default: the dataset's own, handwriting or objects)
//   --early-stop  none | patience=5[,min-delta=0.001][,monitor=val-loss][,min-epochs=3][,restore=no]
//                 | drop[,min-epochs=10]
//   --schedule  constant | step[,every=10][,gamma=0.1] | cosine[,min=0.01] | one-cycle[,peak=0.25]
//               each may add ,warmup=EPOCHS
void applyAugmentSpec(const std::string& spec, const std::string& dataset, AugmentConfig& augment);
void applyEarlyStopSpec(const std::string& spec, EarlyStopConfig& earlyStop);
void applyScheduleSpec(const std::string& spec, ScheduleConfig& schedule);

}  // namespace kanalab::cli
