// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <functional>

class QCustomPlot;
class QMouseEvent;

namespace kanalab::ui {

// Shows the value under the mouse as a tooltip: the nearest data point of any visible graph
// within a few pixels. formatter(graphName, x, y) builds the text.
class PlotHover : public QObject {
    Q_OBJECT
public:
    using Formatter = std::function<QString(const QString& graph, double x, double y)>;
    PlotHover(QCustomPlot* plot, Formatter formatter);

private:
    void onMouseMove(QMouseEvent* event);

    QCustomPlot* m_plot;
    Formatter m_formatter;
};

// Replots at most ~30 times a second: call markDirty() whenever data changes.
class ReplotThrottle : public QObject {
    Q_OBJECT
public:
    explicit ReplotThrottle(QCustomPlot* plot, int intervalMs = 33);
    void markDirty() { m_dirty = true; }
    int replotCount() const { return m_replots; }

private:
    QCustomPlot* m_plot;
    bool m_dirty = false;
    int m_replots = 0;
};

}  // namespace kanalab::ui
