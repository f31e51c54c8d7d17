// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "data/catalogue.h"
#include "predict/predictor.h"

#include <QWidget>

#include <vector>

class QCustomPlot;
class QCPBars;
class QLabel;

namespace kanalab::ui {

// The answer, large: the hiragana with its romaji (は ha), the digit, or the garment's name;
// the top five candidates as bars with their probabilities; and a visible "not sure" state
// when the best guess is weak, so a wrong answer given with low confidence reads as such.
class PredictionPanel : public QWidget {
    Q_OBJECT
public:
    // Below this top probability the panel says it is not sure.
    static constexpr double kSureThreshold = 0.5;

    explicit PredictionPanel(QWidget* parent = nullptr);

    void setClasses(const std::vector<ClassInfo>& classes);
    void showPrediction(const PredictionResult& result);
    void showEmpty(const QString& hint);

    QString headline() const;  // the big text shown ("は")
    QString subline() const;   // "ha", or "not sure: は ha 38 % or ま ma 31 %"
    bool isUnsure() const { return m_unsure; }
    QCustomPlot* plot() const { return m_plot; }

private:
    std::vector<ClassInfo> m_classes;
    QLabel* m_glyph;
    QLabel* m_romaji;
    QCustomPlot* m_plot;
    QCPBars* m_bars;
    bool m_unsure = false;
};

}  // namespace kanalab::ui
