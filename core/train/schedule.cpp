// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/schedule.h"

#include <algorithm>
#include <cmath>

namespace kanalab {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Cosine interpolation from a (t = 0) to b (t = 1).
double cosineBetween(double a, double b, double t) { return b + (a - b) * 0.5 * (1.0 + std::cos(kPi * t)); }

}  // namespace

LearningRateSchedule::LearningRateSchedule(const ScheduleConfig& config, double peakLearningRate, int epochs)
    : m_config(config), m_peak(peakLearningRate), m_epochs(std::max(1, epochs)) {}

double LearningRateSchedule::base(double progress) const {
    const double t = std::clamp(progress / m_epochs, 0.0, 1.0);
    if (m_config.name == "step")
        return m_peak * std::pow(m_config.gamma, std::floor(progress / m_config.stepEpochs));
    if (m_config.name == "cosine") {
        // Starts after the warm-up so the peak is reached when warm-up ends.
        const double span = m_epochs - m_config.warmupEpochs;
        const double u = span > 0 ? std::clamp((progress - m_config.warmupEpochs) / span, 0.0, 1.0) : t;
        return cosineBetween(m_peak, m_peak * m_config.minLrFraction, u);
    }
    if (m_config.name == "one-cycle") {
        // Smith & Topin's schedule as torch.optim.lr_scheduler.OneCycleLR draws it (cosine
        // annealing): rise from peak/div to the peak, then fall to start/finalDiv.
        const double start = m_peak / m_config.oneCycleDivFactor;
        const double end = start / m_config.oneCycleFinalDivFactor;
        const double rise = std::clamp(m_config.oneCyclePeakFraction, 1e-6, 1.0 - 1e-6);
        if (t < rise)
            return cosineBetween(start, m_peak, t / rise);
        return cosineBetween(m_peak, end, (t - rise) / (1.0 - rise));
    }
    return m_peak;
}

double LearningRateSchedule::at(double progress) const {
    const double lr = base(progress);
    if (m_config.warmupEpochs > 0 && progress < m_config.warmupEpochs)
        return lr * std::max(progress, 0.0) / m_config.warmupEpochs;
    return lr;
}

}  // namespace kanalab
