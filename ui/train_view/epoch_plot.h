// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "train/train_events.h"

#include <QWidget>

#include <vector>

class QCustomPlot;
class QCPGraph;

namespace kanalab::ui {

class ReplotThrottle;

// Per-epoch curves: training and validation loss (left axis) and accuracy in % (right axis).
class EpochPlot : public QWidget {
    Q_OBJECT
public:
    explicit EpochPlot(QWidget* parent = nullptr);

    void clear();
    void addEpoch(const EpochResult& result);
    void setEpochs(const std::vector<EpochResult>& results);
    int epochCount() const;
    QCustomPlot* plot() const { return m_plot; }

private:
    void fitAxes();

    QCustomPlot* m_plot;
    QCPGraph* m_trainLoss;
    QCPGraph* m_validationLoss;
    QCPGraph* m_trainAccuracy;
    QCPGraph* m_validationAccuracy;
    ReplotThrottle* m_throttle;
};

}  // namespace kanalab::ui
