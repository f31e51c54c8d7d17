// SPDX-License-Identifier: GPL-3.0-or-later
#include "train_view/loss_plot.h"

#include "common/plot_hover.h"
#include "common/plot_style.h"

#include <qcustomplot.h>

#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QVBoxLayout>

#include <cmath>

namespace kanalab::ui {

LossPlot::LossPlot(QWidget* parent) : QWidget(parent) {
    m_plot = new QCustomPlot(this);
    m_plot->setMinimumHeight(180);
    stylePlot(m_plot);
    m_plot->xAxis->setLabel(tr("batch"));
    m_plot->yAxis->setLabel(tr("training loss"));
    m_raw = m_plot->addGraph();
    m_raw->setName(tr("loss"));
    QColor rawColor = seriesColor(0);
    rawColor.setAlpha(70);
    m_raw->setPen(QPen(rawColor, 1));
    m_smooth = m_plot->addGraph();
    m_smooth->setName(tr("smoothed"));
    m_smooth->setPen(QPen(seriesColor(0), 2));
    m_plot->legend->setVisible(true);
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    m_throttle = new ReplotThrottle(m_plot);
    new PlotHover(m_plot, [](const QString& graph, double x, double y) {
        return QStringLiteral("%1\nbatch %2: %3").arg(graph).arg(static_cast<qint64>(x)).arg(y, 0, 'f', 4);
    });
    // Once the user zooms or drags, stop refitting the axes under their hand (double-click resets).
    connect(m_plot, &QCustomPlot::mouseWheel, this, [this] { m_userZoomed = true; });
    connect(m_plot, &QCustomPlot::mousePress, this, [this] { m_userZoomed = true; });
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this] {
        m_userZoomed = false;
        fitAxes();
        m_plot->replot();
    });

    m_slider = new QSlider(Qt::Horizontal);
    m_slider->setRange(0, 99);
    m_slider->setValue(static_cast<int>(m_smoothing * 100));
    m_slider->setToolTip(tr("Smoothing of the loss curve (exponential moving average)"));
    m_sliderLabel = new QLabel;
    connect(m_slider, &QSlider::valueChanged, this, [this](int v) { setSmoothing(v / 100.0); });

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Smoothing")));
    controls->addWidget(m_slider, 1);
    controls->addWidget(m_sliderLabel);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot, 1);
    layout->addLayout(controls);
    m_sliderLabel->setText(QString::number(m_smoothing, 'f', 2));
}

void LossPlot::clear() {
    m_raw->data()->clear();
    m_smooth->data()->clear();
    m_smoothedCount = 0;
    m_userZoomed = false;
    m_throttle->markDirty();
}

int LossPlot::pointCount() const { return m_raw->dataCount(); }

void LossPlot::appendSmoothed(double step, double loss) {
    // Debiased like TensorBoard, so the curve does not start at zero.
    m_smoothedValue = m_smoothedCount == 0 ? loss : m_smoothing * m_smoothedValue + (1 - m_smoothing) * loss;
    ++m_smoothedCount;
    m_smooth->addData(step, m_smoothedValue);
}

void LossPlot::addPoint(const TrainProgress& p) {
    if (!std::isfinite(p.loss))
        return;
    m_raw->addData(static_cast<double>(p.step), p.loss);
    appendSmoothed(static_cast<double>(p.step), p.loss);
    if (!m_userZoomed)
        fitAxes();
    m_throttle->markDirty();
}

void LossPlot::setPoints(const std::vector<TrainProgress>& points) {
    clear();
    for (const auto& p : points)
        if (std::isfinite(p.loss))
            m_raw->addData(static_cast<double>(p.step), p.loss);
    rebuildSmoothed();
    fitAxes();
    m_throttle->markDirty();
}

void LossPlot::setSmoothing(double factor) {
    m_smoothing = std::clamp(factor, 0.0, 0.99);
    m_sliderLabel->setText(QString::number(m_smoothing, 'f', 2));
    rebuildSmoothed();
    m_throttle->markDirty();
}

void LossPlot::rebuildSmoothed() {
    m_smooth->data()->clear();
    m_smoothedCount = 0;
    for (auto it = m_raw->data()->constBegin(); it != m_raw->data()->constEnd(); ++it)
        appendSmoothed(it->key, it->value);
}

void LossPlot::fitAxes() {
    m_raw->rescaleAxes();
    m_plot->yAxis->setRangeLower(0);
    if (m_plot->xAxis->range().size() < 1)
        m_plot->xAxis->setRange(0, 10);
}

}  // namespace kanalab::ui
