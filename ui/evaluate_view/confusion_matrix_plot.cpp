// SPDX-License-Identifier: GPL-3.0-or-later
#include "evaluate_view/confusion_matrix_plot.h"

#include "common/class_labels.h"
#include "common/plot_style.h"

#include <qcustomplot.h>

#include <QVBoxLayout>

namespace kanalab::ui {

ConfusionMatrixPlot::ConfusionMatrixPlot(QWidget* parent) : QWidget(parent) {
    m_plot = new QCustomPlot(this);
    m_plot->setMinimumSize(420, 380);
    stylePlot(m_plot);
    m_plot->setInteractions(QCP::Interactions());  // clicks select cells; no pan or zoom
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

QPoint ConfusionMatrixPlot::cellCentre(int trueClass, int predicted) const {
    return {static_cast<int>(m_plot->xAxis->coordToPixel(predicted)),
            static_cast<int>(m_plot->yAxis->coordToPixel(trueClass))};
}

void ConfusionMatrixPlot::rebuild() {
    m_plot->clearItems();
    const int k = static_cast<int>(m_confusion.size());
    m_map->data()->setSize(std::max(k, 1), std::max(k, 1));
    m_map->data()->setRange(QCPRange(0, std::max(k - 1, 0)), QCPRange(0, std::max(k - 1, 0)));
    QSharedPointer<QCPAxisTickerText> ticks(new QCPAxisTickerText);
    const QColor light(250, 250, 250), dark(20, 20, 20);
    double maxValue = 0;
    std::vector<std::vector<double>> values(static_cast<std::size_t>(k), std::vector<double>(static_cast<std::size_t>(k), 0));
    for (int t = 0; t < k; ++t) {
        std::int64_t rowTotal = 0;
        for (auto n : m_confusion[static_cast<std::size_t>(t)])
            rowTotal += n;
        for (int p = 0; p < k; ++p) {
            const auto n = m_confusion[static_cast<std::size_t>(t)][static_cast<std::size_t>(p)];
            values[t][p] = m_normalised ? (rowTotal ? 100.0 * n / rowTotal : 0.0) : static_cast<double>(n);
            maxValue = std::max(maxValue, values[t][p]);
        }
    }
    // A square-root scale keeps the few mistakes visible next to the large diagonal.
    for (int t = 0; t < k; ++t)
        for (int p = 0; p < k; ++p) {
            m_map->data()->setCell(p, t, std::sqrt(values[t][p]));
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
    for (int c = 0; c < k; ++c)
        ticks->addTick(c, classLabel(m_classes, c));
    m_plot->xAxis->setTicker(ticks);
    m_plot->yAxis->setTicker(ticks);
    m_plot->xAxis->setRange(-0.5, k - 0.5);
    m_plot->yAxis->setRange(-0.5, k - 0.5);
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
