// SPDX-License-Identifier: GPL-3.0-or-later
#include "evaluate_view/class_recall_plot.h"

#include "common/class_labels.h"
#include "common/plot_style.h"

#include <qcustomplot.h>

#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace kanalab::ui {

ClassRecallPlot::ClassRecallPlot(QWidget* parent) : QWidget(parent) {
    m_plot = new QCustomPlot(this);
    m_plot->setMinimumHeight(180);
    stylePlot(m_plot);
    m_plot->axisRect()->setRangeZoomAxes(m_plot->xAxis, nullptr);  // zoom along the classes only
    m_plot->axisRect()->setRangeDragAxes(m_plot->xAxis, nullptr);
    m_recall = new QCPBars(m_plot->xAxis, m_plot->yAxis);
    QColor fill = seriesColor(0);
    m_recall->setPen(Qt::NoPen);
    fill.setAlpha(210);
    m_recall->setBrush(fill);
    m_recall->setWidth(0.9);
    m_recall->setName(tr("recall"));
    m_support = new QCPGraph(m_plot->xAxis, m_plot->yAxis2);
    m_support->setPen(QPen(seriesColor(1), 1.5));
    m_support->setName(tr("images"));
    m_plot->xAxis->setLabel(tr("classes, most images first"));
    m_plot->xAxis->grid()->setVisible(false);
    m_plot->yAxis->setLabel(tr("recall"));
    m_plot->yAxis->setRange(0, 1.02);
    m_plot->yAxis2->setVisible(true);
    m_plot->yAxis2->setLabel(tr("images"));
    m_plot->legend->setVisible(true);
    m_plot->legend->setFont(kanaFont(8));
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignLeft);
    connect(m_plot, &QCustomPlot::mouseMove, this, &ClassRecallPlot::showTooltip);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
}

void ClassRecallPlot::setReport(const EvalReport& report, const std::vector<ClassInfo>& classes) {
    m_metrics = report.perClass;
    m_classes = classes;
    m_order.resize(m_metrics.size());
    std::iota(m_order.begin(), m_order.end(), 0);
    std::stable_sort(m_order.begin(), m_order.end(), [this](int a, int b) {
        return m_metrics[static_cast<std::size_t>(a)].support > m_metrics[static_cast<std::size_t>(b)].support;
    });
    QVector<double> x, recall, support;
    double maxSupport = 1;
    for (std::size_t i = 0; i < m_order.size(); ++i) {
        const ClassMetrics& m = m_metrics[static_cast<std::size_t>(m_order[i])];
        x << static_cast<double>(i);
        recall << m.recall;
        support << static_cast<double>(m.support);
        maxSupport = std::max(maxSupport, static_cast<double>(m.support));
    }
    m_recall->setData(x, recall, true);
    m_support->setData(x, support, true);
    // Class names along the axis only when they fit; otherwise the rank.
    if (m_order.size() <= 20) {
        QSharedPointer<QCPAxisTickerText> ticks(new QCPAxisTickerText);
        for (std::size_t i = 0; i < m_order.size(); ++i)
            ticks->addTick(static_cast<double>(i), classLabel(m_classes, m_order[i]));
        m_plot->xAxis->setTicker(ticks);
        m_plot->xAxis->setTickLabelFont(kanaFont(8));
    } else {
        m_plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    }
    m_plot->xAxis->setRange(-0.5, static_cast<double>(m_order.size()) - 0.5);
    m_plot->yAxis2->setRange(0, maxSupport * 1.05);
    m_plot->replot();
}

void ClassRecallPlot::showTooltip(QMouseEvent* event) {
    const int slot = static_cast<int>(std::lround(m_plot->xAxis->pixelToCoord(event->pos().x())));
    if (slot < 0 || slot >= static_cast<int>(m_order.size()) || !m_plot->axisRect()->rect().contains(event->pos())) {
        QToolTip::hideText();
        return;
    }
    const int c = m_order[static_cast<std::size_t>(slot)];
    const ClassMetrics& m = m_metrics[static_cast<std::size_t>(c)];
    QToolTip::showText(event->globalPosition().toPoint(),
                       tr("%1: recall %2 % of %n image(s)", nullptr, static_cast<int>(m.support))
                           .arg(classLabel(m_classes, c))
                           .arg(100 * m.recall, 0, 'f', 1),
                       m_plot);
}

}  // namespace kanalab::ui
