// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/core_types.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

namespace kanalab::ui {

class EpochPlot;
class HyperparameterForm;
class LossPlot;
class TrainingController;
class TrainingSetup;

// Where a run is configured, started, paused and stopped, and watched: the loss per log
// interval, per-epoch loss and accuracy, a progress bar with throughput and ETA, and a log of
// what happened (best epoch saved, early stop, NaN loss, errors).
class TrainView : public QWidget {
    Q_OBJECT
public:
    TrainView(TrainingSetup* setup, TrainingController* controller, QWidget* parent = nullptr);

    // Continues a run directory from its last checkpoint (its curves so far are shown first).
    void resume(const QString& runDir);

    LossPlot* lossPlot() const { return m_lossPlot; }
    EpochPlot* epochPlot() const { return m_epochPlot; }
    QPushButton* startButton() const { return m_start; }
    QPushButton* pauseButton() const { return m_pause; }
    QPushButton* stopButton() const { return m_stop; }
    QProgressBar* progressBar() const { return m_progress; }
    QPlainTextEdit* logView() const { return m_log; }
    QLabel* progressText() const { return m_progressText; }
    HyperparameterForm* form() const { return m_form; }

public slots:
    void start();
    void togglePause();
    void stop();

signals:
    void runStarted(const QString& runDir);
    void runFinished(const kanalab::TrainOutcome& outcome);
    void showDataRequested();
    void statusMessage(const QString& text);

private:
    void onProgress(const TrainProgress& progress);
    void onEpoch(const EpochResult& result);
    void onLog(LogLevel level, const QString& text);
    void onFinished(const TrainOutcome& outcome);
    void setRunning(bool running);
    void appendLog(const QString& html);
    // An error the user can act on, shown in the view (red, and in the log).
    void showProblem(const QString& text);
    void exportMetrics();

    TrainingSetup* m_setup;
    TrainingController* m_controller;
    HyperparameterForm* m_form;
    LossPlot* m_lossPlot;
    EpochPlot* m_epochPlot;
    QProgressBar* m_progress;
    QLabel* m_progressText;
    QPlainTextEdit* m_log;
    QPushButton* m_start;
    QPushButton* m_pause;
    QPushButton* m_stop;
    QString m_runDir;
    int m_epochs = 0;
    double m_bestValidation = -1;
};

}  // namespace kanalab::ui
