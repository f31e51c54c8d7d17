// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/core_types.h"

#include <QFutureWatcher>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QTabWidget;
class QTableWidget;

namespace kanalab::ui {

class ClassRecallPlot;
class ConfusedPairsTable;
class ConfusionMatrixPlot;
class FeatureMapSnapshots;

struct EvaluationTask {
    RunEvaluation evaluation;
    double secondsPerEpoch = 0;  // NaN when the run has no finished epoch
    QString error;  // set instead when the evaluation failed
};
class MisclassifiedBrowser;

// How a trained run does on its test (or validation) images: accuracy and balanced accuracy,
// the confusion matrix as a clickable heat map, per-class precision / recall / F1 with macro and
// weighted averages, the most confused pairs, recall by class size (the long tail), and the
// misclassified images (a click on a matrix cell or a pair shows exactly those mistakes).
// Evaluation runs off the UI thread.
class EvaluateView : public QWidget {
    Q_OBJECT
public:
    explicit EvaluateView(QWidget* parent = nullptr);

    // Evaluates the run (best checkpoint) on the chosen split, in the background.
    void showRun(const QString& runDir);
    const QString& runDir() const { return m_runDir; }
    bool isBusy() const { return m_watcher.isRunning(); }
    const RunEvaluation& evaluation() const { return m_evaluation; }

    ConfusionMatrixPlot* matrix() const { return m_matrix; }
    MisclassifiedBrowser* browser() const { return m_browser; }
    QTableWidget* classTable() const { return m_table; }
    ConfusedPairsTable* confusedPairs() const { return m_pairs; }
    ClassRecallPlot* recallPlot() const { return m_recallPlot; }
    QTabWidget* detailTabs() const { return m_details; }
    FeatureMapSnapshots* featureMaps() const { return m_featureMaps; }
    QLabel* summary() const { return m_summary; }

signals:
    void evaluated();
    void failed(const QString& message);
    void statusMessage(const QString& text);

private:
    void evaluate();
    void onEvaluated();
    void fillTable();
    void exportTable();

    QString m_runDir;
    RunEvaluation m_evaluation;
    QFutureWatcher<EvaluationTask> m_watcher;
    QLabel* m_title;
    QLabel* m_summary;
    QComboBox* m_split;
    QCheckBox* m_normalised;
    QPushButton* m_evaluate;
    ConfusionMatrixPlot* m_matrix;
    QTableWidget* m_table;
    ConfusedPairsTable* m_pairs;
    ClassRecallPlot* m_recallPlot;
    FeatureMapSnapshots* m_featureMaps;
    QTabWidget* m_details;
    MisclassifiedBrowser* m_browser;
};

}  // namespace kanalab::ui
