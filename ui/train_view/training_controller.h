// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/core_types.h"

#include <QObject>
#include <QThread>

#include <memory>

namespace kanalab::ui {

// Runs runTraining() in a worker object living on its own QThread (Tiled's and qBittorrent's
// shape): the config goes in as one plain struct, progress / epochs / log lines / the outcome
// come back as queued signals carrying plain data. Pause and stop are atomic flags the
// training loop checks every batch, so they act within one batch even though the worker's
// event loop is busy. Nothing here ever waits on training, except stopAndWait() on shutdown.
class TrainingWorker : public QObject {
    Q_OBJECT
public:
    explicit TrainingWorker(TrainControl& control) : m_control(control) {}

public slots:
    void run(const kanalab::TrainConfig& config, const QString& resumeRunDir);

signals:
    void dataReady(qint64 train, qint64 validation, qint64 test);
    void progress(const kanalab::TrainProgress& progress);
    void epochFinished(const kanalab::EpochResult& result);
    void logMessage(kanalab::LogLevel level, const QString& text);
    void finished(const kanalab::TrainOutcome& outcome);

private:
    TrainControl& m_control;
};

class TrainingController : public QObject {
    Q_OBJECT
public:
    explicit TrainingController(QObject* parent = nullptr);
    ~TrainingController() override;

    bool isRunning() const { return m_running; }
    bool isPaused() const { return m_control.pause.load(); }

    // Starts a run (ignored while one is running). resumeRunDir: continue that run instead.
    void start(const TrainConfig& config, const QString& resumeRunDir = QString());
    void setPaused(bool paused);
    void stop();
    // Asks the run to stop and waits up to timeoutMs for it; true when it has ended.
    bool stopAndWait(int timeoutMs);

signals:
    void started();
    void dataReady(qint64 train, qint64 validation, qint64 test);
    void progress(const kanalab::TrainProgress& progress);
    void epochFinished(const kanalab::EpochResult& result);
    void logMessage(kanalab::LogLevel level, const QString& text);
    void pausedChanged(bool paused);
    void finished(const kanalab::TrainOutcome& outcome);

private:
    TrainControl m_control;
    QThread m_thread;
    TrainingWorker* m_worker = nullptr;
    bool m_running = false;
};

}  // namespace kanalab::ui
