// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "data/catalogue.h"
#include "eval/metrics.h"

#include <QTableWidget>

namespace kanalab::ui {

// The most frequent mistakes as a list ("お o read as す su, 12 times, 6.0 % of お"): with 49 or
// 3,832 classes the confusion matrix shows where the mass is, this list says what it is.
// Activating a row emits pairActivated(true, predicted), which the Evaluate view turns into the
// matrix's zoom and the mistakes browser's filter.
class ConfusedPairsTable : public QTableWidget {
    Q_OBJECT
public:
    explicit ConfusedPairsTable(QWidget* parent = nullptr);

    static constexpr int kRows = 200;
    void setReport(const EvalReport& report, const std::vector<ClassInfo>& classes);
    // The pair a row shows, or {-1, -1}.
    std::pair<int, int> pairAt(int row) const;

signals:
    void pairActivated(int trueClass, int predicted);

private:
    std::vector<ConfusedPair> m_pairs;
};

}  // namespace kanalab::ui
