// SPDX-License-Identifier: GPL-3.0-or-later
#include "train_view/epoch_plot.h"

#include "common/plot_hover.h"
#include "common/plot_style.h"

#include <qcustomplot.h>

#include <QVBoxLayout>

#include <cmath>

namespace kanalab::ui {
namespace {

QCPGraph* makeGraph(QCustomPlot* plot, QCPAxis* valueAxis, const QString& name, const QColor& color, bool dashed) {
    QCPGraph* graph = plot->addGraph(plot->xAxis, valueAxis);
    graph->setName(name);
    graph->setPen(QPen(color, 2, dashed ? Qt::DashLine : Qt::SolidLine));
    graph->setScatterStyle(QCPScatterStyle(dashed ? QCPScatterStyle::ssSquare : QCPScatterStyle::ssCircle, 6));
    return graph;
}

}  // namespace

EpochPlot::EpochPlot(QWidget* parent) : QWidget(parent) {
    m_plot = new QCustomPlot(this);
    m_plot->setMinimumHeight(180);
    stylePlot(m_plot);
    m_plot->yAxis2->setVisible(true);
    m_plot->xAxis->setLabel(tr("epoch"));
    m_plot->yAxis->setLabel(tr("loss"));
    m_plot->yAxis2->setLabel(tr("accuracy (%)"));
    m_plot->xAxis->ticker()->setTickStepStrategy(QCPAxisTicker::tssReadability);
    QSharedPointer<QCPAxisTickerFixed> integerTicks(new QCPAxisTickerFixed);
    integerTicks->setTickStep(1);
    integerTicks->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    m_plot->xAxis->setTicker(integerTicks);
    m_trainLoss = makeGraph(m_plot, m_plot->yAxis, tr("train loss"), seriesColor(0), true);
    m_validationLoss = makeGraph(m_plot, m_plot->yAxis, tr("validation loss"), seriesColor(1), true);
    m_trainAccuracy = makeGraph(m_plot, m_plot->yAxis2, tr("train accuracy"), seriesColor(0), false);
    m_validationAccuracy = makeGraph(m_plot, m_plot->yAxis2, tr("validation accuracy"), seriesColor(1), false);
    m_plot->legend->setVisible(true);
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignRight | Qt::AlignVCenter);
    m_plot->axisRect()->setRangeZoomAxes({m_plot->xAxis, m_plot->yAxis, m_plot->yAxis2});
    m_plot->axisRect()->setRangeDragAxes({m_plot->xAxis, m_plot->yAxis, m_plot->yAxis2});
    m_throttle = new ReplotThrottle(m_plot);
    new PlotHover(m_plot, [](const QString& graph, double x, double y) {
        const bool accuracy = graph.contains(QStringLiteral("accuracy"));
        return QStringLiteral("%1\nepoch %2: %3")
            .arg(graph)
            .arg(static_cast<int>(x))
            .arg(accuracy ? QString::number(y, 'f', 2) + QStringLiteral(" %") : QString::number(y, 'f', 4));
    });
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this] {
        fitAxes();
        m_plot->replot();
    });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    fitAxes();
}

void EpochPlot::clear() {
    for (QCPGraph* g : {m_trainLoss, m_validationLoss, m_trainAccuracy, m_validationAccuracy})
        g->data()->clear();
    fitAxes();
    m_throttle->markDirty();
}

int EpochPlot::epochCount() const { return m_trainLoss->dataCount(); }

void EpochPlot::addEpoch(const EpochResult& r) {
    const double x = r.epoch;
    auto add = [x](QCPGraph* g, double v, double scale) {
        if (std::isfinite(v))
            g->addData(x, v * scale);
    };
    add(m_trainLoss, r.trainLoss, 1);
    add(m_validationLoss, r.validationLoss, 1);
    add(m_trainAccuracy, r.trainAccuracy, 100);
    add(m_validationAccuracy, r.validationAccuracy, 100);
    fitAxes();
    m_throttle->markDirty();
}

void EpochPlot::setEpochs(const std::vector<EpochResult>& results) {
    clear();
    for (const auto& r : results)
        addEpoch(r);
}

void EpochPlot::fitAxes() {
    bool found = false;
    const QCPRange keys = m_trainLoss->getKeyRange(found);
    m_plot->xAxis->setRange(0.5, std::max(found ? keys.upper + 0.5 : 1.5, 1.5));
    double maxLoss = 0;
    for (QCPGraph* g : {m_trainLoss, m_validationLoss}) {
        bool ok = false;
        const QCPRange r = g->getValueRange(ok);
        if (ok)
            maxLoss = std::max(maxLoss, r.upper);
    }
    m_plot->yAxis->setRange(0, maxLoss > 0 ? maxLoss * 1.1 : 1.0);
    double minAccuracy = 100;
    for (QCPGraph* g : {m_trainAccuracy, m_validationAccuracy}) {
        bool ok = false;
        const QCPRange r = g->getValueRange(ok);
        if (ok)
            minAccuracy = std::min(minAccuracy, r.lower);
    }
    m_plot->yAxis2->setRange(std::max(0.0, std::floor(minAccuracy / 5) * 5 - 5), 100);
}

}  // namespace kanalab::ui
