// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "train/train_events.h"

#include <QWidget>

class QCustomPlot;
class QCPGraph;
class QSlider;
class QLabel;

namespace kanalab::ui {

class ReplotThrottle;

// Training loss per progress report against the batch step, with an exponentially smoothed
// curve whose strength a slider sets (0 = raw, 0.99 = very smooth), as TensorBoard does.
class LossPlot : public QWidget {
    Q_OBJECT
public:
    explicit LossPlot(QWidget* parent = nullptr);

    void clear();
    void addPoint(const TrainProgress& progress);
    void setPoints(const std::vector<TrainProgress>& points);
    int pointCount() const;
    QCustomPlot* plot() const { return m_plot; }
    void setSmoothing(double factor);  // 0..0.99

private:
    void rebuildSmoothed();
    void appendSmoothed(double step, double loss);
    void fitAxes();

    QCustomPlot* m_plot;
    QCPGraph* m_raw;
    QCPGraph* m_smooth;
    QSlider* m_slider;
    QLabel* m_sliderLabel;
    ReplotThrottle* m_throttle;
    double m_smoothing = 0.6;
    double m_smoothedValue = 0;
    int m_smoothedCount = 0;
    bool m_userZoomed = false;
};

}  // namespace kanalab::ui
