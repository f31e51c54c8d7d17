// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "train/train_config.h"

namespace kanalab {

// The learning rate as a pure function of training progress, so resuming mid-run needs no
// scheduler state and the GUI can draw the whole curve before training starts.
class LearningRateSchedule {
public:
    LearningRateSchedule(const ScheduleConfig& config, double peakLearningRate, int epochs);

    // progress in epochs: 2.5 = halfway through the third epoch.
    double at(double progressEpochs) const;

private:
    double base(double progressEpochs) const;

    ScheduleConfig m_config;
    double m_peak;
    int m_epochs;
};

}  // namespace kanalab
