// SPDX-License-Identifier: GPL-3.0-or-later
#include "data_view/class_balance_plot.h"

#include "common/class_labels.h"
#include "common/plot_style.h"

#include <qcustomplot.h>

#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace kanalab::ui {
namespace {

constexpr double kGroupWidth = 0.8;  // of one class slot, shared by the three bars

QString setName(int set) {
    static const char* names[] = {QT_TRANSLATE_NOOP("ClassBalancePlot", "train"),
                                  QT_TRANSLATE_NOOP("ClassBalancePlot", "validation"),
                                  QT_TRANSLATE_NOOP("ClassBalancePlot", "test")};
    return ClassBalancePlot::tr(names[set]);
}

std::int64_t sum(const std::vector<std::int64_t>& values) {
    std::int64_t total = 0;
    for (auto v : values)
        total += v;
    return total;
}

}  // namespace

ClassBalancePlot::ClassBalancePlot(QWidget* parent) : QWidget(parent) {
    m_plot = new QCustomPlot(this);
    m_plot->setMinimumHeight(200);
    stylePlot(m_plot);
    // Counts per class are read, not explored: zooming a bar chart only loses the labels.
    m_plot->setInteractions(QCP::Interactions());
    auto* group = new QCPBarsGroup(m_plot);
    group->setSpacingType(QCPBarsGroup::stAbsolute);
    group->setSpacing(1);
    for (int s = 0; s < 3; ++s) {
        m_bars[s] = new QCPBars(m_plot->xAxis, m_plot->yAxis);
        m_bars[s]->setWidth(kGroupWidth / 3);
        m_bars[s]->setBarsGroup(group);
        QColor fill = seriesColor(s);
        m_bars[s]->setPen(QPen(fill.darker(130)));
        fill.setAlpha(200);
        m_bars[s]->setBrush(fill);
        m_bars[s]->setName(setName(s));
    }
    m_plot->xAxis->setTickLabelFont(kanaFont());
    m_plot->xAxis->grid()->setVisible(false);
    m_plot->xAxis->setSubTicks(false);
    m_plot->xAxis->setTickLength(0, 3);
    m_plot->yAxis->setLabel(tr("images"));
    m_plot->yAxis->setNumberFormat(QStringLiteral("f"));
    m_plot->yAxis->setNumberPrecision(0);
    // The legend sits in a row of its own above the bars: inside, it would hide the last group.
    m_plot->plotLayout()->insertRow(0);
    m_plot->plotLayout()->addElement(0, 0, m_plot->legend);
    m_plot->plotLayout()->setRowStretchFactor(0, 0.001);
    m_plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
    m_plot->legend->setVisible(true);
    m_plot->legend->setFont(kanaFont(8));
    m_plot->legend->setBorderPen(Qt::NoPen);
    connect(m_plot, &QCustomPlot::mouseMove, this, &ClassBalancePlot::showTooltip);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    clear();
}

void ClassBalancePlot::clear() {
    m_classes.clear();
    for (int s = 0; s < 3; ++s) {
        m_counts[s].clear();
        m_bars[s]->data()->clear();
        m_bars[s]->setName(setName(s));
    }
    m_plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTickerText));
    m_plot->xAxis->setRange(-0.5, 9.5);
    m_plot->yAxis->setRange(0, 1);
    m_plot->yAxis->setTickLabels(false);  // "0 0 1 1" of an empty chart says nothing
    m_plot->replot();
}

void ClassBalancePlot::setCounts(const std::vector<ClassInfo>& classes, const std::vector<std::int64_t>& train,
                                 const std::vector<std::int64_t>& validation, const std::vector<std::int64_t>& test) {
    m_classes = classes;
    m_counts[0] = train;
    m_counts[1] = validation;
    m_counts[2] = test;
    const int n = static_cast<int>(classes.size());
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    bool longLabels = false;
    for (int c = 0; c < n; ++c) {
        const QString label = classLabel(classes[static_cast<std::size_t>(c)]);
        longLabels = longLabels || label.size() > 6;
        ticker->addTick(c, label);
    }
    m_plot->xAxis->setTicker(ticker);
    // Fashion-MNIST's names ("T-shirt/top", "Ankle boot") would overlap side by side.
    m_plot->xAxis->setTickLabelRotation(longLabels ? -25 : 0);

    std::int64_t highest = 0;
    for (int s = 0; s < 3; ++s) {
        QVector<double> keys, values;
        const auto& counts = m_counts[s];
        for (int c = 0; c < n && c < static_cast<int>(counts.size()); ++c) {
            keys << c;
            values << static_cast<double>(counts[static_cast<std::size_t>(c)]);
            highest = std::max(highest, counts[static_cast<std::size_t>(c)]);
        }
        m_bars[s]->setData(keys, values, /*alreadySorted=*/true);
        m_bars[s]->setName(tr("%1 (%L2)").arg(setName(s)).arg(sum(counts)));
        // A set that is empty (no validation at fraction 0) stays out of the legend's way.
        m_bars[s]->setVisible(sum(counts) > 0);
        if (m_bars[s]->visible())
            m_bars[s]->addToLegend();
        else
            m_bars[s]->removeFromLegend();
    }
    m_plot->yAxis->setTickLabels(true);
    m_plot->xAxis->setRange(-0.6, n - 0.4);
    m_plot->yAxis->setRange(0, std::max<double>(1.0, static_cast<double>(highest) * 1.08));
    m_plot->replot();
}

std::vector<std::int64_t> ClassBalancePlot::barValues(int set) const {
    std::vector<std::int64_t> values;
    for (auto it = m_bars[set]->data()->constBegin(); it != m_bars[set]->data()->constEnd(); ++it)
        values.push_back(static_cast<std::int64_t>(std::llround(it->value)));
    return values;
}

bool ClassBalancePlot::hasData() const {
    return !m_classes.empty();
}

void ClassBalancePlot::showTooltip(QMouseEvent* event) {
    const int c = static_cast<int>(std::lround(m_plot->xAxis->pixelToCoord(event->position().x())));
    if (m_classes.empty() || c < 0 || c >= static_cast<int>(m_classes.size()) ||
        !m_plot->axisRect()->rect().contains(event->position().toPoint())) {
        QToolTip::hideText();
        return;
    }
    QString text = QStringLiteral("<b>%1</b>").arg(classLabel(m_classes[static_cast<std::size_t>(c)]).toHtmlEscaped());
    for (int s = 0; s < 3; ++s)
        if (c < static_cast<int>(m_counts[s].size()))
            text += QStringLiteral("<br>%1: %L2").arg(setName(s)).arg(m_counts[s][static_cast<std::size_t>(c)]);
    QToolTip::showText(event->globalPosition().toPoint(), text, m_plot);
}

void ClassBalancePlot::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange) {
        stylePlot(m_plot);
        m_plot->setInteractions(QCP::Interactions());
        m_plot->legend->setBorderPen(Qt::NoPen);
        m_plot->replot();
    }
    QWidget::changeEvent(event);
}

}  // namespace kanalab::ui
