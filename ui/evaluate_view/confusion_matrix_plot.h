// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "data/catalogue.h"
#include "eval/metrics.h"

#include <QWidget>

#include <vector>

class QCustomPlot;
class QCPColorMap;
class QCPColorScale;

namespace kanalab::ui {

// The confusion matrix as a heat map: true class down the left, predicted class along the
// bottom (both labelled with glyph and romaji for KMNIST), the count (or the share of its row)
// written in each cell. Clicking a cell emits cellClicked(true, predicted). Beyond
// kCellTextClasses classes (K49, Kuzushiji-Kanji's thousands) the cells carry no text; the
// wheel zooms, dragging pans, a double click shows everything again, the axes name the classes
// once few enough are in view, and hovering names the cell.
class ConfusionMatrixPlot : public QWidget {
    Q_OBJECT
public:
    explicit ConfusionMatrixPlot(QWidget* parent = nullptr);

    void setMatrix(const std::vector<std::vector<std::int64_t>>& confusion, const std::vector<ClassInfo>& classes);
    void setRowNormalised(bool normalised);
    // Shows true classes [first, last] and the same predicted classes (clamped).
    void zoomTo(int first, int last);
    void resetZoom();
    // Classes in view along the x axis.
    int visibleClasses() const;
    // The tooltip text for a cell ("true お o, read as す su: 12 images (6.0 %)").
    QString cellDescription(int trueClass, int predicted) const;
    static constexpr int kCellTextClasses = 30;
    static constexpr int kTickLabelClasses = 40;
    bool rowNormalised() const { return m_normalised; }
    QCustomPlot* plot() const { return m_plot; }
    // The cell under a widget position (plot coordinates), or {-1, -1}.
    QPoint cellAt(const QPoint& position) const;
    // Where the centre of a cell is, in the plot widget's coordinates (tests click there).
    QPoint cellCentre(int trueClass, int predicted) const;

signals:
    void cellClicked(int trueClass, int predicted);

private:
    void rebuild();
    void updateTicks();

    QCustomPlot* m_plot;
    QCPColorMap* m_map;
    QCPColorScale* m_scale;
    std::vector<std::vector<std::int64_t>> m_confusion;
    std::vector<ClassInfo> m_classes;
    bool m_normalised = false;
};

}  // namespace kanalab::ui
