// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/plot_hover.h"

#include <qcustomplot.h>

#include <QTimer>
#include <QToolTip>

#include <cmath>

namespace kanalab::ui {

PlotHover::PlotHover(QCustomPlot* plot, Formatter formatter)
    : QObject(plot), m_plot(plot), m_formatter(std::move(formatter)) {
    connect(plot, &QCustomPlot::mouseMove, this, &PlotHover::onMouseMove);
}

void PlotHover::onMouseMove(QMouseEvent* event) {
    const QPointF mouse = event->position();
    constexpr double kReachPixels = 12;
    double bestDistance = kReachPixels;
    QString text;
    for (int g = 0; g < m_plot->graphCount(); ++g) {
        QCPGraph* graph = m_plot->graph(g);
        if (!graph->visible() || graph->data()->isEmpty())
            continue;
        const double x = graph->keyAxis()->pixelToCoord(mouse.x());
        // Nearest key by binary search, then its neighbour.
        auto it = graph->data()->findBegin(x, true);
        for (int step = 0; step < 2 && it != graph->data()->constEnd(); ++step, ++it) {
            if (std::isnan(it->value))
                continue;
            const double px = graph->keyAxis()->coordToPixel(it->key);
            const double py = graph->valueAxis()->coordToPixel(it->value);
            const double distance = std::hypot(px - mouse.x(), py - mouse.y());
            if (distance < bestDistance) {
                bestDistance = distance;
                text = m_formatter(graph->name(), it->key, it->value);
            }
        }
    }
    if (text.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(event->globalPosition().toPoint(), text, m_plot);
}

ReplotThrottle::ReplotThrottle(QCustomPlot* plot, int intervalMs) : QObject(plot), m_plot(plot) {
    auto* timer = new QTimer(this);
    timer->setInterval(intervalMs);
    connect(timer, &QTimer::timeout, this, [this] {
        if (!m_dirty)
            return;
        m_dirty = false;
        ++m_replots;
        m_plot->replot(QCustomPlot::rpQueuedReplot);
    });
    timer->start();
}

}  // namespace kanalab::ui
