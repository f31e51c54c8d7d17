// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/early_stopping.h"

#include "common/format.h"

#include <cmath>

namespace kanalab {

EarlyStopping::EarlyStopping(EarlyStopConfig config)
    : m_config(std::move(config)), m_bestMonitored(-std::numeric_limits<double>::infinity()) {}

EarlyStopping::Decision EarlyStopping::update(int epoch, double accuracy, double loss, double balancedAccuracy) {
    Decision decision;
    const bool haveValidation = std::isfinite(accuracy);

    if (m_config.mode == "drop") {
        // The published sep1d rule: save whenever validation accuracy rises, continue on ties,
        // and once past minEpochs stop as soon as it falls.
        if (haveValidation && accuracy > m_bestAccuracy) {
            decision.improved = true;
            m_bestAccuracy = accuracy;
            m_bestLoss = loss;
            m_bestEpoch = epoch;
        }
        if (haveValidation && m_lastAccuracy >= 0 && accuracy < m_lastAccuracy && epoch >= m_config.minEpochs) {
            decision.stop = true;
            decision.reason = "validation accuracy fell from " + formatFixed(100 * m_lastAccuracy, 2) + "% to " +
                              formatFixed(100 * accuracy, 2) + "% after epoch " + std::to_string(epoch);
        }
        if (haveValidation)
            m_lastAccuracy = accuracy;
        return decision;
    }

    // Plain "keep the best": with no validation set, every epoch counts as the best so far.
    const bool byLoss = m_config.monitor == "val-loss";
    const bool byBalanced = m_config.monitor == "val-balanced-accuracy";
    const double monitored = haveValidation ? (byLoss ? -loss : byBalanced ? balancedAccuracy : accuracy) : std::nan("");
    if (!haveValidation) {
        decision.improved = true;
        m_bestEpoch = epoch;
    } else if (monitored > m_bestMonitored + m_config.minDelta || m_bestEpoch == 0) {
        decision.improved = true;
        m_bestMonitored = monitored;
        m_bestAccuracy = accuracy;
        m_bestLoss = loss;
        m_bestEpoch = epoch;
        m_epochsWithoutImprovement = 0;
    } else {
        ++m_epochsWithoutImprovement;
    }
    if (m_config.mode == "patience" && haveValidation && m_epochsWithoutImprovement >= m_config.patience &&
        epoch >= m_config.minEpochs) {
        decision.stop = true;
        decision.reason = std::string("no improvement of validation ") +
                          (byLoss ? "loss" : byBalanced ? "balanced accuracy" : "accuracy") + " for " +
                          std::to_string(m_epochsWithoutImprovement) + " epochs (best: epoch " +
                          std::to_string(m_bestEpoch) + ")";
    }
    if (haveValidation)
        m_lastAccuracy = accuracy;
    return decision;
}

EarlyStopping::State EarlyStopping::state() const {
    return {m_bestEpoch, m_bestAccuracy, m_bestLoss, m_bestMonitored, m_lastAccuracy, m_epochsWithoutImprovement};
}

void EarlyStopping::restore(const State& s) {
    m_bestEpoch = s.bestEpoch;
    m_bestAccuracy = s.bestAccuracy;
    m_bestLoss = s.bestLoss;
    m_bestMonitored = s.bestMonitored;
    m_lastAccuracy = s.lastAccuracy;
    m_epochsWithoutImprovement = s.epochsWithoutImprovement;
}

}  // namespace kanalab
