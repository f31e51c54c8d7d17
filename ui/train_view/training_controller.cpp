// SPDX-License-Identifier: GPL-3.0-or-later
#include "train_view/training_controller.h"

#include "train/trainer.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QTimer>

namespace kanalab::ui {

void TrainingWorker::run(const kanalab::TrainConfig& config, const QString& resumeRunDir) {
    TrainCallbacks callbacks;
    // Emitted from this (worker) thread: Qt queues them to the receivers in the UI thread.
    callbacks.onDataReady = [this](std::int64_t train, std::int64_t validation, std::int64_t test) {
        emit dataReady(train, validation, test);
    };
    callbacks.onProgress = [this](const TrainProgress& p) { emit progress(p); };
    callbacks.onEpoch = [this](const EpochResult& r) { emit epochFinished(r); };
    callbacks.onLog = [this](LogLevel level, const std::string& text) {
        emit logMessage(level, QString::fromStdString(text));
    };
    // runTraining turns every failure into an outcome; this catch is the last line of defence
    // so that nothing escapes into Qt's event loop.
    TrainOutcome outcome;
    try {
        outcome = runTraining(config, callbacks, m_control, resumeRunDir.toStdString());
    } catch (const std::exception& e) {
        outcome.status = TrainStatus::Failed;
        outcome.message = e.what();
    } catch (...) {
        outcome.status = TrainStatus::Failed;
        outcome.message = "an unknown error stopped the training";
    }
    emit finished(outcome);
}

TrainingController::TrainingController(QObject* parent) : QObject(parent) {
    m_worker = new TrainingWorker(m_control);
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &TrainingWorker::dataReady, this, &TrainingController::dataReady);
    connect(m_worker, &TrainingWorker::progress, this, &TrainingController::progress);
    connect(m_worker, &TrainingWorker::epochFinished, this, &TrainingController::epochFinished);
    connect(m_worker, &TrainingWorker::logMessage, this, &TrainingController::logMessage);
    connect(m_worker, &TrainingWorker::finished, this, [this](const TrainOutcome& outcome) {
        m_running = false;
        m_control.pause = false;
        emit finished(outcome);
    });
    m_thread.setObjectName(QStringLiteral("training"));
    m_thread.start();
}

TrainingController::~TrainingController() {
    m_control.cancel = true;
    m_control.pause = false;
    m_thread.requestInterruption();
    m_thread.quit();
    m_thread.wait();
}

void TrainingController::start(const TrainConfig& config, const QString& resumeRunDir) {
    if (m_running)
        return;
    m_control.cancel = false;
    m_control.pause = false;
    m_running = true;
    QMetaObject::invokeMethod(m_worker, "run", Qt::QueuedConnection, Q_ARG(kanalab::TrainConfig, config),
                              Q_ARG(QString, resumeRunDir));
    emit started();
}

void TrainingController::setPaused(bool paused) {
    if (!m_running || m_control.pause.load() == paused)
        return;
    m_control.pause = paused;
    emit pausedChanged(paused);
}

void TrainingController::stop() {
    if (!m_running)
        return;
    m_control.cancel = true;
    m_control.pause = false;
}

bool TrainingController::stopAndWait(int timeoutMs) {
    if (!m_running)
        return true;
    stop();
    // Spin a local loop so the worker's queued finished() can be delivered here.
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    connect(this, &TrainingController::finished, &loop, &QEventLoop::quit);
    timer.start(timeoutMs);
    if (m_running)
        loop.exec();
    return !m_running;
}

}  // namespace kanalab::ui
