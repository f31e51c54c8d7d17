// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "train/train_config.h"

#include <limits>

namespace kanalab {

// Decides after each epoch whether the weights are the best so far (save them) and whether to
// stop. Works on plain numbers so its rules are tested on scripted validation curves.
class EarlyStopping {
public:
    struct Decision {
        bool improved = false;  // new best: save the "best" checkpoint
        bool stop = false;
        std::string reason;     // why it stopped, for the log
    };

    explicit EarlyStopping(EarlyStopConfig config);

    // epoch counts from 1. NaN validation figures (no validation set) never improve. The
    // balanced accuracy is needed only when the monitor is val-balanced-accuracy.
    Decision update(int epoch, double validationAccuracy, double validationLoss,
                    double validationBalancedAccuracy = std::numeric_limits<double>::quiet_NaN());

    int bestEpoch() const { return m_bestEpoch; }
    double bestAccuracy() const { return m_bestAccuracy; }
    double bestLoss() const { return m_bestLoss; }

    // Resuming: the state after the epochs already done.
    struct State {
        int bestEpoch = 0;
        double bestAccuracy = -1;
        double bestLoss = std::numeric_limits<double>::infinity();
        double bestMonitored = 0;
        double lastAccuracy = -1;
        int epochsWithoutImprovement = 0;
    };
    State state() const;
    void restore(const State& state);

private:
    EarlyStopConfig m_config;
    int m_bestEpoch = 0;
    double m_bestAccuracy = -1;
    double m_bestLoss = std::numeric_limits<double>::infinity();
    double m_bestMonitored;  // in "higher is better" form
    double m_lastAccuracy = -1;
    int m_epochsWithoutImprovement = 0;
};

}  // namespace kanalab
