// SPDX-License-Identifier: GPL-3.0-or-later
#include "evaluate_view/confusion_matrix_plot.h"

#include "common/class_labels.h"
#include "common/plot_style.h"

#include <qcustomplot.h>

#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace kanalab::ui {

ConfusionMatrixPlot::ConfusionMatrixPlot(QWidget* parent) : QWidget(parent) {
    m_plot = new QCustomPlot(this);
    m_plot->setMinimumSize(420, 380);
    stylePlot(m_plot);
    m_plot->setInteractions(QCP::Interactions());  // small matrices: clicks select cells, nothing moves
    m_plot->xAxis->setLabel(tr("predicted class"));
    m_plot->yAxis->setLabel(tr("true class"));
    m_plot->yAxis->setRangeReversed(true);  // class 0 at the top, as matrices are read
    m_plot->xAxis->grid()->setVisible(false);
    m_plot->yAxis->grid()->setVisible(false);
    m_plot->xAxis->setTickLabelFont(kanaFont(9));
    m_plot->yAxis->setTickLabelFont(kanaFont(9));

    m_map = new QCPColorMap(m_plot->xAxis, m_plot->yAxis);
    m_map->setInterpolate(false);
    m_scale = new QCPColorScale(m_plot);
    m_plot->plotLayout()->addElement(0, 1, m_scale);
    m_scale->setType(QCPAxis::atRight);
    m_map->setColorScale(m_scale);
    QCPColorGradient gradient(QCPColorGradient::gpThermal);
    gradient.setLevelCount(256);
    m_map->setGradient(gradient);
    auto* margins = new QCPMarginGroup(m_plot);
    m_plot->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    m_scale->setMarginGroup(QCP::msBottom | QCP::msTop, margins);

    connect(m_plot, &QCustomPlot::mousePress, this, [this](QMouseEvent* event) {
        const QPoint cell = cellAt(event->pos());
        if (cell.x() >= 0)
            emit cellClicked(cell.y(), cell.x());
    });
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this](QMouseEvent*) { resetZoom(); });
    connect(m_plot, &QCustomPlot::mouseMove, this, [this](QMouseEvent* event) {
        const QPoint cell = cellAt(event->pos());
        m_plot->setToolTip(cell.x() >= 0 ? cellDescription(cell.y(), cell.x()) : QString());
    });
    // Zooming and panning stay inside the matrix; each axis names its classes once few are in view.
    for (QCPAxis* axis : {m_plot->xAxis, m_plot->yAxis})
        connect(axis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, [this, axis](const QCPRange& range) {
            const double k = static_cast<double>(m_confusion.size());
            QCPRange clamped = range;
            if (clamped.size() > k)
                clamped = QCPRange(-0.5, k - 0.5);
            if (clamped.lower < -0.5)
                clamped = QCPRange(-0.5, -0.5 + clamped.size());
            if (clamped.upper > k - 0.5)
                clamped = QCPRange(k - 0.5 - clamped.size(), k - 0.5);
            if (clamped != range)
                axis->setRange(clamped);
            else
                updateTicks();
        });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
}

void ConfusionMatrixPlot::setMatrix(const std::vector<std::vector<std::int64_t>>& confusion,
                                    const std::vector<ClassInfo>& classes) {
    m_confusion = confusion;
    m_classes = classes;
    rebuild();
}

void ConfusionMatrixPlot::setRowNormalised(bool normalised) {
    m_normalised = normalised;
    rebuild();
}

QPoint ConfusionMatrixPlot::cellAt(const QPoint& position) const {
    const int k = static_cast<int>(m_confusion.size());
    if (k == 0 || !m_plot->axisRect()->rect().contains(position))
        return {-1, -1};
    const int predicted = static_cast<int>(std::floor(m_plot->xAxis->pixelToCoord(position.x()) + 0.5));
    const int truth = static_cast<int>(std::floor(m_plot->yAxis->pixelToCoord(position.y()) + 0.5));
    if (predicted < 0 || predicted >= k || truth < 0 || truth >= k)
        return {-1, -1};
    return {predicted, truth};
}

void ConfusionMatrixPlot::zoomTo(int first, int last) {
    const int k = static_cast<int>(m_confusion.size());
    first = std::clamp(first, 0, std::max(0, k - 1));
    last = std::clamp(last, first, std::max(0, k - 1));
    m_plot->xAxis->setRange(first - 0.5, last + 0.5);
    m_plot->yAxis->setRange(first - 0.5, last + 0.5);
    m_plot->replot();
}

void ConfusionMatrixPlot::resetZoom() {
    zoomTo(0, static_cast<int>(m_confusion.size()) - 1);
}

int ConfusionMatrixPlot::visibleClasses() const { return static_cast<int>(std::lround(m_plot->xAxis->range().size())); }

QString ConfusionMatrixPlot::cellDescription(int trueClass, int predicted) const {
    const int k = static_cast<int>(m_confusion.size());
    if (trueClass < 0 || trueClass >= k || predicted < 0 || predicted >= k)
        return {};
    const auto& row = m_confusion[static_cast<std::size_t>(trueClass)];
    std::int64_t total = 0;
    for (auto n : row)
        total += n;
    const auto n = row[static_cast<std::size_t>(predicted)];
    const QString share = total ? QString::number(100.0 * n / total, 'f', 1) : QStringLiteral("0");
    if (trueClass == predicted)
        return tr("%1: %n image(s) read right (%2 %)", nullptr, static_cast<int>(n))
            .arg(classLabel(m_classes, trueClass), share);
    return tr("true %1, read as %2: %n image(s) (%3 % of its images)", nullptr, static_cast<int>(n))
        .arg(classLabel(m_classes, trueClass), classLabel(m_classes, predicted), share);
}

void ConfusionMatrixPlot::updateTicks() {
    // Class names only when they fit; otherwise class numbers at round steps.
    const int k = static_cast<int>(m_confusion.size());
    for (QCPAxis* axis : {m_plot->xAxis, m_plot->yAxis}) {
        const QCPRange range = axis->range();
        const int first = std::max(0, static_cast<int>(std::ceil(range.lower)));
        const int last = std::min(k - 1, static_cast<int>(std::floor(range.upper)));
        if (last - first + 1 <= kTickLabelClasses) {
            QSharedPointer<QCPAxisTickerText> ticks(new QCPAxisTickerText);
            for (int c = first; c <= last; ++c)
                ticks->addTick(c, classLabel(m_classes, c));
            axis->setTicker(ticks);
        } else {
            QSharedPointer<QCPAxisTicker> ticks(new QCPAxisTicker);
            ticks->setTickCount(8);
            axis->setTicker(ticks);
        }
    }
}

QPoint ConfusionMatrixPlot::cellCentre(int trueClass, int predicted) const {
    return {static_cast<int>(m_plot->xAxis->coordToPixel(predicted)),
            static_cast<int>(m_plot->yAxis->coordToPixel(trueClass))};
}

void ConfusionMatrixPlot::rebuild() {
    m_plot->clearItems();
    const int k = static_cast<int>(m_confusion.size());
    m_map->data()->setSize(std::max(k, 1), std::max(k, 1));
    m_map->data()->setRange(QCPRange(0, std::max(k - 1, 0)), QCPRange(0, std::max(k - 1, 0)));
    const QColor light(250, 250, 250), dark(20, 20, 20);
    double maxValue = 0;
    // float: Kuzushiji-Kanji's 3,832 classes make 14.7 million cells.
    std::vector<std::vector<float>> values(static_cast<std::size_t>(k), std::vector<float>(static_cast<std::size_t>(k), 0));
    for (int t = 0; t < k; ++t) {
        std::int64_t rowTotal = 0;
        for (auto n : m_confusion[static_cast<std::size_t>(t)])
            rowTotal += n;
        for (int p = 0; p < k; ++p) {
            const auto n = m_confusion[static_cast<std::size_t>(t)][static_cast<std::size_t>(p)];
            values[t][p] = static_cast<float>(m_normalised ? (rowTotal ? 100.0 * n / rowTotal : 0.0) : static_cast<double>(n));
            maxValue = std::max(maxValue, static_cast<double>(values[t][p]));
        }
    }
    // A square-root scale keeps the few mistakes visible next to the large diagonal.
    const bool cellText = k <= kCellTextClasses;
    for (int t = 0; t < k; ++t)
        for (int p = 0; p < k; ++p) {
            m_map->data()->setCell(p, t, std::sqrt(values[t][p]));
            if (!cellText)
                continue;
            auto* label = new QCPItemText(m_plot);
            label->position->setType(QCPItemPosition::ptPlotCoords);
            label->position->setCoords(p, t);
            const double v = values[t][p];
            label->setText(m_normalised ? QString::number(v, 'f', v < 10 && v > 0 ? 1 : 0)
                                        : QString::number(static_cast<qint64>(v)));
            label->setFont(QFont(font().family(), k > 20 ? 6 : 9));
            label->setColor(maxValue > 0 && std::sqrt(v) > 0.6 * std::sqrt(maxValue) ? dark : light);
            label->setClipToAxisRect(true);
        }
    // Large matrices can be explored: the wheel zooms, a drag pans.
    m_plot->setInteractions(cellText ? QCP::Interactions() : QCP::Interactions(QCP::iRangeDrag | QCP::iRangeZoom));
    m_plot->xAxis->setRange(-0.5, k - 0.5);
    m_plot->yAxis->setRange(-0.5, k - 0.5);
    updateTicks();  // setRange does not signal when the range is unchanged
    m_map->setDataRange(QCPRange(0, std::max(1.0, std::sqrt(maxValue))));
    // The colours follow the square root; the scale's labels show the real numbers.
    QSharedPointer<QCPAxisTickerText> scaleTicks(new QCPAxisTickerText);
    for (double v : {0.0, 1.0, 5.0, 10.0, 25.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0, 20000.0})
        if (v <= std::max(1.0, maxValue))
            scaleTicks->addTick(std::sqrt(v), QString::number(v));
    m_scale->axis()->setTicker(scaleTicks);
    m_scale->axis()->setLabel(m_normalised ? tr("% of the true class") : tr("images"));
    m_plot->replot();
}

}  // namespace kanalab::ui
