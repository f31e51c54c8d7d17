// SPDX-License-Identifier: GPL-3.0-or-later
#include "evaluate_view/evaluate_view.h"

#include "common/class_labels.h"
#include "common/format.h"
#include "common/plot_style.h"
#include "evaluate_view/class_recall_plot.h"
#include "evaluate_view/confused_pairs_table.h"
#include "evaluate_view/confusion_matrix_plot.h"
#include "evaluate_view/feature_map_snapshots.h"
#include "evaluate_view/misclassified_browser.h"
#include "run/run_directory.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTextStream>
#include <QVBoxLayout>
#include <QtConcurrent>

#include <algorithm>
#include <cmath>

namespace kanalab::ui {
namespace {

QTableWidgetItem* number(double value, int decimals) {
    auto* item = new QTableWidgetItem(QString::number(value, 'f', decimals));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

}  // namespace

EvaluateView::EvaluateView(QWidget* parent) : QWidget(parent) {
    m_title = new QLabel(tr("No run yet: train one, or open one from the Runs tab."));
    m_title->setTextFormat(Qt::RichText);
    m_summary = new QLabel;
    m_summary->setTextFormat(Qt::RichText);
    m_split = new QComboBox;
    m_split->addItem(tr("test images"), "test");
    m_split->addItem(tr("validation images"), "validation");
    m_split->setToolTip(tr("Which held-out images to evaluate on"));
    m_normalised = new QCheckBox(tr("Row-normalised"));
    m_normalised->setToolTip(tr("Show each true class's row as percentages instead of counts"));
    m_evaluate = new QPushButton(tr("Evaluate again"));
    m_evaluate->setEnabled(false);
    auto* exportButton = new QPushButton(tr("Export…"));
    auto* exportMenu = new QMenu(this);
    exportMenu->addAction(tr("Confusion matrix as PNG or PDF…"), this,
                          [this] { exportPlot(m_matrix->plot(), this, QStringLiteral("confusion.png")); });
    exportMenu->addAction(tr("Per-class metrics as CSV…"), this, &EvaluateView::exportTable);
    exportButton->setMenu(exportMenu);

    m_matrix = new ConfusionMatrixPlot;
    m_table = new QTableWidget(0, 5);
    m_table->setHorizontalHeaderLabels({tr("class"), tr("precision"), tr("recall"), tr("F1"), tr("support")});
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setFont(kanaFont());
    m_table->setSortingEnabled(false);
    m_pairs = new ConfusedPairsTable;
    m_recallPlot = new ClassRecallPlot;
    m_details = new QTabWidget;
    m_details->addTab(m_table, tr("Per class"));
    m_details->addTab(m_pairs, tr("Most confused"));
    m_details->addTab(m_recallPlot, tr("Recall by size"));
    m_featureMaps = new FeatureMapSnapshots;
    m_details->addTab(m_featureMaps, tr("Feature maps"));
    m_browser = new MisclassifiedBrowser;

    auto* header = new QHBoxLayout;
    header->addWidget(m_title, 1);
    header->addWidget(m_split);
    header->addWidget(m_normalised);
    header->addWidget(m_evaluate);
    header->addWidget(exportButton);
    auto* top = new QSplitter(Qt::Horizontal);
    top->addWidget(m_matrix);
    top->addWidget(m_details);
    top->setStretchFactor(0, 3);
    top->setStretchFactor(1, 2);
    auto* body = new QSplitter(Qt::Vertical);
    body->addWidget(top);
    body->addWidget(m_browser);
    body->setStretchFactor(0, 3);
    body->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(m_summary);
    layout->addWidget(body, 1);

    connect(m_normalised, &QCheckBox::toggled, m_matrix, &ConfusionMatrixPlot::setRowNormalised);
    connect(m_matrix, &ConfusionMatrixPlot::cellClicked, this, [this](int truth, int predicted) {
        m_browser->setFilter(truth, truth == predicted ? -1 : predicted);
        if (truth == predicted)
            emit statusMessage(tr("Diagonal cell: those images were classified correctly; showing every mistake "
                                  "on %1 instead")
                                   .arg(classLabel(m_evaluation.dataset->classes, truth)));
    });
    connect(m_pairs, &ConfusedPairsTable::pairActivated, this, [this](int truth, int predicted) {
        m_browser->setFilter(truth, predicted);
        // On a large matrix, bring the pair's cell into view with its neighbours.
        if (m_matrix->visibleClasses() > ConfusionMatrixPlot::kCellTextClasses) {
            const int k = m_evaluation.report.numClasses();
            const int low = std::min(truth, predicted), high = std::max(truth, predicted);
            if (high - low < ConfusionMatrixPlot::kTickLabelClasses)
                m_matrix->zoomTo(std::max(0, low - 5), std::min(k - 1, high + 5));
        }
        emit statusMessage(m_matrix->cellDescription(truth, predicted));
    });
    connect(m_evaluate, &QPushButton::clicked, this, &EvaluateView::evaluate);
    connect(m_split, &QComboBox::activated, this, &EvaluateView::evaluate);
    connect(&m_watcher, &QFutureWatcher<EvaluationTask>::finished, this, &EvaluateView::onEvaluated);
}

void EvaluateView::showRun(const QString& runDir) {
    m_runDir = runDir;
    evaluate();
}

void EvaluateView::evaluate() {
    if (m_runDir.isEmpty() || m_watcher.isRunning())
        return;
    m_evaluate->setEnabled(false);
    m_title->setText(tr("<b>%1</b>: evaluating…").arg(QFileInfo(m_runDir).fileName().toHtmlEscaped()));
    RunEvaluationOptions options;
    options.split = m_split->currentData().toString().toStdString();
    const std::string dir = m_runDir.toStdString();
    // Errors are caught inside the task: QtConcurrent would wrap them in QUnhandledException.
    m_watcher.setFuture(QtConcurrent::run([dir, options] {
        EvaluationTask task;
        try {
            task.evaluation = evaluateRun(dir, options);
            task.secondsPerEpoch = readRun(dir).secondsPerEpoch();
        } catch (const std::exception& e) {
            task.error = QString::fromStdString(e.what());
        }
        return task;
    }));
}

void EvaluateView::onEvaluated() {
    m_evaluate->setEnabled(true);
    const QString name = QFileInfo(m_runDir).fileName();
    const EvaluationTask task = m_watcher.result();
    if (!task.error.isEmpty()) {
        m_title->setText(tr("<b>%1</b>: could not evaluate").arg(name.toHtmlEscaped()));
        m_summary->setText(QStringLiteral("<span style=\"color:#d0453a\">%1</span>").arg(task.error.toHtmlEscaped()));
        emit failed(task.error);
        return;
    }
    m_evaluation = task.evaluation;
    const EvalReport& r = m_evaluation.report;
    m_title->setText(tr("<b>%1</b> · %2").arg(name.toHtmlEscaped(), QString::fromStdString(m_evaluation.dataset->title)));
    m_summary->setText(tr("Accuracy <b>%1 %</b> · balanced accuracy <b>%2 %</b> on %3 %4 images · top-3 %5 % · "
                          "loss %6 · %7 mistakes · %8 per epoch · click a cell to see its images")
                           .arg(100 * r.accuracy, 0, 'f', 2)
                           .arg(100 * r.balancedAccuracy, 0, 'f', 2)
                           .arg(r.count)
                           .arg(QString::fromStdString(r.split))
                           .arg(100 * r.top3Accuracy, 0, 'f', 2)
                           .arg(r.loss, 0, 'f', 4)
                           .arg(r.misclassified.size())
                           .arg(std::isfinite(task.secondsPerEpoch)
                                    ? QString::fromStdString(formatDuration(task.secondsPerEpoch))
                                    : QStringLiteral("–")));
    m_summary->setToolTip(tr("Balanced accuracy is the mean recall over the classes: what the accuracy would be if "
                             "every class had as many images. Far below the accuracy, the rare classes are missed."));
    m_matrix->setMatrix(r.confusion, m_evaluation.dataset->classes);
    fillTable();
    m_pairs->setReport(r, m_evaluation.dataset->classes);
    m_recallPlot->setReport(r, m_evaluation.dataset->classes);
    m_featureMaps->setRun(m_runDir);
    m_browser->setMistakes(r.misclassified, m_evaluation.images, m_evaluation.dataset->classes);
    emit evaluated();
}

void EvaluateView::fillTable() {
    const EvalReport& r = m_evaluation.report;
    const auto& classes = m_evaluation.dataset->classes;
    m_table->setRowCount(r.numClasses() + 2);
    auto setRow = [this](int row, const QString& name, const ClassMetrics& m, bool bold) {
        auto* label = new QTableWidgetItem(name);
        QFont f = kanaFont();
        f.setBold(bold);
        label->setFont(f);
        m_table->setItem(row, 0, label);
        m_table->setItem(row, 1, number(m.precision, 4));
        m_table->setItem(row, 2, number(m.recall, 4));
        m_table->setItem(row, 3, number(m.f1, 4));
        auto* support = new QTableWidgetItem(QString::number(m.support));
        support->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_table->setItem(row, 4, support);
    };
    for (int c = 0; c < r.numClasses(); ++c)
        setRow(c, classLabel(classes, c), r.perClass[static_cast<std::size_t>(c)], false);
    setRow(r.numClasses(), tr("macro average"), r.macro, true);
    setRow(r.numClasses() + 1, tr("weighted average"), r.weighted, true);
}

void EvaluateView::exportTable() {
    if (m_evaluation.dataset == nullptr) {
        QMessageBox::information(this, tr("Nothing to export"), tr("Evaluate a run first."));
        return;
    }
    const QString path = QFileDialog::getSaveFileName(this, tr("Export per-class metrics"),
                                                      QStringLiteral("per_class.csv"), tr("CSV (*.csv)"));
    if (path.isEmpty())
        return;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) {
        QMessageBox::warning(this, tr("Export failed"), tr("Could not write %1: %2").arg(path, file.errorString()));
        return;
    }
    QTextStream out(&file);
    out << "class,precision,recall,f1,support\n";
    for (int row = 0; row < m_table->rowCount(); ++row) {
        QStringList cells;
        for (int col = 0; col < m_table->columnCount(); ++col)
            cells << m_table->item(row, col)->text();
        out << cells.join(',') << "\n";
    }
}

}  // namespace kanalab::ui
