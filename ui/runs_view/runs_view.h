// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "run/run_directory.h"
#include "train/train_config.h"

#include <QString>
#include <QStringList>
#include <QWidget>

#include <vector>

class QAction;
class QComboBox;
class QCustomPlot;
class QFileSystemWatcher;
class QLabel;
class QMenu;
class QPushButton;
class QSortFilterProxyModel;
class QStandardItemModel;
class QTableView;
class QTimer;

namespace kanalab::ui {

// Every run directory under the runs folder as a row (date, dataset, model, key
// hyperparameters, best validation accuracy, test accuracy, time, status). Selecting several
// overlays their curves (validation accuracy and training loss per epoch). Open, rename, delete,
// resume, train again with the same settings, export metrics to CSV.
class RunsView : public QWidget {
    Q_OBJECT
public:
    enum Metric { ValidationAccuracy, TrainingLoss, ValidationLoss, TrainingAccuracy, ValidationBalancedAccuracy };

    explicit RunsView(QWidget* parent = nullptr);
    ~RunsView() override;

    // The folder whose sub-folders are runs (defaults to the user's runs folder).
    void setRunsFolder(const QString& folder);
    QString runsFolder() const;
    void refresh();

    // The run the Train view is training now (empty: none). It cannot be renamed, deleted or
    // resumed, and its row says "training".
    void setTrainingRun(const QString& runDir);
    QString trainingRun() const { return m_trainingRun; }

    const std::vector<RunSummary>& runs() const { return m_runs; }
    QStringList selectedRuns() const;  // run folders, in table order
    void selectRuns(const QStringList& runDirs);
    void setMetric(Metric metric);
    Metric metric() const;
    int curveCount() const;  // curves drawn for the selection

    // The operations behind the buttons, usable without dialogs. Each returns false with a
    // sentence in *error (also shown in the view) when it refuses or fails.
    bool renameRun(const QString& runDir, const QString& newName, QString* error = nullptr);
    bool deleteRuns(const QStringList& runDirs, bool askFirst, QString* error = nullptr);
    bool exportMetricsCsv(const QStringList& runDirs, const QString& path, QString* error = nullptr);

    QTableView* table() const { return m_table; }
    QCustomPlot* plot() const { return m_plot; }
    QLabel* messageLabel() const { return m_message; }

signals:
    void openRequested(const QString& runDir);
    void resumeRequested(const QString& runDir);
    void trainAgainRequested(const kanalab::TrainConfig& config);
    void statusMessage(const QString& text);

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void fillModel();
    void updatePlot();
    void updateActions();
    void watchFolder();
    const RunSummary* findRun(const QString& runDir) const;
    void showMessage(const QString& text, bool error);

    void openSelected();
    void renameSelected();
    void deleteSelected();
    void resumeSelected();
    void trainAgainSelected();
    void exportCsvSelected();

    QString m_folder;
    QString m_trainingRun;
    std::vector<RunSummary> m_runs;
    bool m_selectedOnce = false;

    QStandardItemModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_table;
    QLabel* m_folderLabel;
    QLabel* m_message;
    QComboBox* m_metric;
    QCustomPlot* m_plot;
    QPushButton* m_open;
    QPushButton* m_rename;
    QPushButton* m_delete;
    QPushButton* m_resume;
    QPushButton* m_trainAgain;
    QPushButton* m_export;
    QPushButton* m_refresh;
    QMenu* m_contextMenu;
    QAction* m_openAction;
    QAction* m_renameAction;
    QAction* m_resumeAction;
    QAction* m_trainAgainAction;
    QFileSystemWatcher* m_watcher;
    QTimer* m_refreshSoon;  // coalesces bursts of file-system events
    QTimer* m_liveRefresh;  // while a run trains and the view shows: new epochs appear
};

}  // namespace kanalab::ui
