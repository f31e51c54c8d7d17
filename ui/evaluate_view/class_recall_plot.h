// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "data/catalogue.h"
#include "eval/metrics.h"

#include <QWidget>

#include <vector>

class QCustomPlot;
class QCPBars;
class QCPGraph;

namespace kanalab::ui {

// Recall of every class, the classes ordered from the most to the fewest evaluated images, with
// the image count as a line on the right axis: on an imbalanced set (K49, Kuzushiji-Kanji) the
// long tail shows whether the rare classes are learnt or given up. Hover names the class.
class ClassRecallPlot : public QWidget {
    Q_OBJECT
public:
    explicit ClassRecallPlot(QWidget* parent = nullptr);

    void setReport(const EvalReport& report, const std::vector<ClassInfo>& classes);
    QCustomPlot* plot() const { return m_plot; }
    // Class indices in plotting order (largest support first).
    const std::vector<int>& order() const { return m_order; }

private:
    void showTooltip(QMouseEvent* event);

    QCustomPlot* m_plot;
    QCPBars* m_recall;
    QCPGraph* m_support;
    std::vector<int> m_order;
    std::vector<ClassMetrics> m_metrics;
    std::vector<ClassInfo> m_classes;
};

}  // namespace kanalab::ui
