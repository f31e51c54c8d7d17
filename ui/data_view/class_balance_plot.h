// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "data/catalogue.h"

#include <QWidget>

#include <cstdint>
#include <vector>

class QCustomPlot;
class QCPBars;
class QMouseEvent;

namespace kanalab::ui {

// Images per class in the train / validation / test sets as grouped bars, with the class
// labels (glyph and romaji for KMNIST) under each group. A skewed split shows at a glance.
class ClassBalancePlot : public QWidget {
    Q_OBJECT
public:
    explicit ClassBalancePlot(QWidget* parent = nullptr);

    void setCounts(const std::vector<ClassInfo>& classes, const std::vector<std::int64_t>& train,
                   const std::vector<std::int64_t>& validation, const std::vector<std::int64_t>& test);
    void clear();

    QCustomPlot* plot() const { return m_plot; }
    // What the bars show, per class (tests read them back from the plot's data).
    std::vector<std::int64_t> barValues(int set) const;  // 0 train, 1 validation, 2 test
    bool hasData() const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void showTooltip(QMouseEvent* event);

    QCustomPlot* m_plot;
    QCPBars* m_bars[3];
    std::vector<ClassInfo> m_classes;
    std::vector<std::int64_t> m_counts[3];
};

}  // namespace kanalab::ui
