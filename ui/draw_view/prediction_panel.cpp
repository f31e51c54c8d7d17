// SPDX-License-Identifier: GPL-3.0-or-later
#include "draw_view/prediction_panel.h"

#include "common/class_labels.h"
#include "common/plot_style.h"

#include <qcustomplot.h>

#include <QLabel>
#include <QVBoxLayout>

namespace kanalab::ui {
namespace {

constexpr int kTopK = 5;

QString bigText(const ClassInfo& c) { return QString::fromStdString(c.glyph.empty() ? c.label : c.glyph); }
QString smallText(const ClassInfo& c) { return QString::fromStdString(c.glyph.empty() ? "" : c.romaji); }

}  // namespace

PredictionPanel::PredictionPanel(QWidget* parent) : QWidget(parent) {
    m_glyph = new QLabel;
    m_glyph->setAlignment(Qt::AlignCenter);
    m_glyph->setFont(kanaFont(64));
    m_glyph->setMinimumHeight(110);
    m_romaji = new QLabel;
    m_romaji->setAlignment(Qt::AlignCenter);
    m_romaji->setFont(kanaFont(16));
    m_romaji->setWordWrap(true);

    m_plot = new QCustomPlot;
    m_plot->setMinimumSize(260, 170);
    stylePlot(m_plot);
    m_plot->setInteractions(QCP::Interactions());
    m_bars = new QCPBars(m_plot->yAxis, m_plot->xAxis);  // horizontal bars: classes down the side
    m_bars->setPen(Qt::NoPen);
    m_bars->setBrush(seriesColor(0));
    m_bars->setWidth(0.7);
    m_plot->xAxis->setRange(0, 100);
    m_plot->xAxis->setLabel(tr("probability (%)"));
    m_plot->yAxis->setRangeReversed(true);
    m_plot->yAxis->setTickLabelFont(kanaFont(10));
    m_plot->yAxis->grid()->setVisible(false);
    m_plot->yAxis->setRange(0.4, kTopK + 0.6);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_glyph);
    layout->addWidget(m_romaji);
    layout->addWidget(m_plot, 1);
    showEmpty(tr("Write a character"));
}

void PredictionPanel::setClasses(const std::vector<ClassInfo>& classes) { m_classes = classes; }

QString PredictionPanel::headline() const { return m_glyph->text(); }
QString PredictionPanel::subline() const { return m_romaji->text(); }

void PredictionPanel::showEmpty(const QString& hint) {
    m_unsure = false;
    m_glyph->setText(QStringLiteral("–"));
    m_romaji->setText(hint);
    m_bars->data()->clear();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void PredictionPanel::showPrediction(const PredictionResult& result) {
    if (result.ranked.empty() || m_classes.empty())
        return;
    const ClassScore best = result.ranked.front();
    const ClassInfo& c = m_classes[static_cast<std::size_t>(best.index)];
    m_unsure = best.probability < kSureThreshold;
    m_glyph->setText(bigText(c));
    QPalette palette = m_glyph->palette();
    palette.setColor(QPalette::WindowText, m_unsure ? QColor(150, 150, 150) : QApplication::palette().color(QPalette::WindowText));
    m_glyph->setPalette(palette);
    if (m_unsure && result.ranked.size() > 1) {
        const ClassScore second = result.ranked[1];
        m_romaji->setText(tr("not sure: %1 %2 % or %3 %4 %")
                              .arg(classLabel(m_classes, best.index))
                              .arg(100.0 * best.probability, 0, 'f', 0)
                              .arg(classLabel(m_classes, second.index))
                              .arg(100.0 * second.probability, 0, 'f', 0));
    } else {
        const QString romaji = smallText(c);
        m_romaji->setText(romaji.isEmpty() ? QStringLiteral("%1 %").arg(100.0 * best.probability, 0, 'f', 1)
                                           : QStringLiteral("%1 · %2 %").arg(romaji).arg(100.0 * best.probability, 0, 'f', 1));
    }

    QVector<double> positions, values;
    QSharedPointer<QCPAxisTickerText> ticks(new QCPAxisTickerText);
    for (int k = 0; k < kTopK && k < static_cast<int>(result.ranked.size()); ++k) {
        positions << k + 1;
        values << 100.0 * result.ranked[static_cast<std::size_t>(k)].probability;
        ticks->addTick(k + 1, classLabel(m_classes, result.ranked[static_cast<std::size_t>(k)].index));
    }
    m_bars->setData(positions, values, true);
    m_bars->setBrush(m_unsure ? QColor(160, 160, 160) : seriesColor(0));
    m_plot->yAxis->setTicker(ticks);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace kanalab::ui
