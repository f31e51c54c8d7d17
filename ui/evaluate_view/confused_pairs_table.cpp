// SPDX-License-Identifier: GPL-3.0-or-later
#include "evaluate_view/confused_pairs_table.h"

#include "common/class_labels.h"

#include <QHeaderView>

namespace kanalab::ui {
namespace {

QTableWidgetItem* rightAligned(const QString& text) {
    auto* item = new QTableWidgetItem(text);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

}  // namespace

ConfusedPairsTable::ConfusedPairsTable(QWidget* parent) : QTableWidget(0, 4, parent) {
    setHorizontalHeaderLabels({tr("true class"), tr("read as"), tr("images"), tr("% of the true class")});
    verticalHeader()->hide();
    horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    horizontalHeader()->setStretchLastSection(true);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setFont(kanaFont());
    setAccessibleName(tr("Most confused pairs"));
    // A click or Enter on a row: keyboard and mouse alike.
    connect(this, &QTableWidget::cellActivated, this, [this](int row, int) {
        const auto [truth, predicted] = pairAt(row);
        if (truth >= 0)
            emit pairActivated(truth, predicted);
    });
    connect(this, &QTableWidget::cellClicked, this, [this](int row, int) {
        const auto [truth, predicted] = pairAt(row);
        if (truth >= 0)
            emit pairActivated(truth, predicted);
    });
}

void ConfusedPairsTable::setReport(const EvalReport& report, const std::vector<ClassInfo>& classes) {
    m_pairs = topConfusedPairs(report, kRows);
    setRowCount(static_cast<int>(m_pairs.size()));
    for (int row = 0; row < rowCount(); ++row) {
        const ConfusedPair& pair = m_pairs[static_cast<std::size_t>(row)];
        setItem(row, 0, new QTableWidgetItem(classLabel(classes, pair.trueClass)));
        setItem(row, 1, new QTableWidgetItem(classLabel(classes, pair.predicted)));
        setItem(row, 2, rightAligned(QString::number(pair.count)));
        setItem(row, 3, rightAligned(QString::number(100 * pair.shareOfTrue, 'f', 1)));
    }
}

std::pair<int, int> ConfusedPairsTable::pairAt(int row) const {
    if (row < 0 || row >= static_cast<int>(m_pairs.size()))
        return {-1, -1};
    const ConfusedPair& pair = m_pairs[static_cast<std::size_t>(row)];
    return {pair.trueClass, pair.predicted};
}

}  // namespace kanalab::ui
