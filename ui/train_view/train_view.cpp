// SPDX-License-Identifier: GPL-3.0-or-later
#include "train_view/train_view.h"

#include "common/error.h"
#include "common/format.h"
#include "common/plot_style.h"
#include "common/training_setup.h"
#include "data/data_dirs.h"
#include "run/run_directory.h"
#include "train_view/epoch_plot.h"
#include "train_view/hyperparameter_form.h"
#include "train_view/loss_plot.h"
#include "train_view/training_controller.h"

#include <qcustomplot.h>

#include <QDateTime>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QVBoxLayout>

#include <cmath>

namespace kanalab::ui {
namespace {

QString percent(double fraction) {
    return std::isfinite(fraction) ? QString::number(100 * fraction, 'f', 2) + QStringLiteral(" %") : QStringLiteral("–");
}

}  // namespace

TrainView::TrainView(TrainingSetup* setup, TrainingController* controller, QWidget* parent)
    : QWidget(parent), m_setup(setup), m_controller(controller) {
    m_form = new HyperparameterForm(setup);
    auto* scroll = new QScrollArea;
    scroll->setWidget(m_form);
    scroll->setWidgetResizable(true);
    scroll->setMinimumWidth(440);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    connect(m_form, &HyperparameterForm::showDataRequested, this, &TrainView::showDataRequested);

    m_start = new QPushButton(tr("Start"));
    m_start->setToolTip(tr("Start training with these settings (Ctrl+Return)"));
    m_start->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_pause = new QPushButton(tr("Pause"));
    m_pause->setToolTip(tr("Pause or resume after the current batch (Ctrl+P)"));
    m_pause->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    m_stop = new QPushButton(tr("Stop"));
    m_stop->setToolTip(tr("Stop after the current batch; the last finished epoch stays saved (Ctrl+.)"));
    m_stop->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    auto* exportButton = new QPushButton(tr("Export…"));
    exportButton->setToolTip(tr("Save the plots as PNG or PDF, or the metrics as CSV"));
    connect(m_start, &QPushButton::clicked, this, &TrainView::start);
    connect(m_pause, &QPushButton::clicked, this, &TrainView::togglePause);
    connect(m_stop, &QPushButton::clicked, this, &TrainView::stop);

    m_progress = new QProgressBar;
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_progress->setTextVisible(false);
    m_progressText = new QLabel(tr("Ready"));
    m_progressText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // A progress line of changing length must not ask for a new layout: that would resize the
    // plots below it and make them re-render from scratch on the UI thread while training.
    m_progressText->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);

    m_lossPlot = new LossPlot;
    m_epochPlot = new EpochPlot;
    m_log = new QPlainTextEdit;
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(5000);
    m_log->setPlaceholderText(tr("Training log: data, threads, best epochs, warnings"));

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_start);
    buttons->addWidget(m_pause);
    buttons->addWidget(m_stop);
    buttons->addStretch(1);
    buttons->addWidget(exportButton);

    auto* plots = new QSplitter(Qt::Vertical);
    plots->addWidget(m_lossPlot);
    plots->addWidget(m_epochPlot);
    plots->addWidget(m_log);
    plots->setStretchFactor(0, 3);
    plots->setStretchFactor(1, 3);
    plots->setStretchFactor(2, 1);

    auto* right = new QWidget;
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->addLayout(buttons);
    rightLayout->addWidget(m_progress);
    rightLayout->addWidget(m_progressText);
    rightLayout->addWidget(plots, 1);

    auto* splitter = new QSplitter(Qt::Horizontal);
    splitter->addWidget(scroll);
    splitter->addWidget(right);
    splitter->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    auto* exportMenu = new QMenu(this);
    exportMenu->addAction(tr("Loss plot…"), this, [this] { exportPlot(m_lossPlot->plot(), this, "loss.png"); });
    exportMenu->addAction(tr("Epoch plot…"), this, [this] { exportPlot(m_epochPlot->plot(), this, "epochs.png"); });
    exportMenu->addAction(tr("Metrics as CSV…"), this, &TrainView::exportMetrics);
    exportButton->setMenu(exportMenu);

    connect(m_controller, &TrainingController::progress, this, &TrainView::onProgress);
    connect(m_controller, &TrainingController::epochFinished, this, &TrainView::onEpoch);
    connect(m_controller, &TrainingController::logMessage, this, &TrainView::onLog);
    connect(m_controller, &TrainingController::finished, this, &TrainView::onFinished);
    connect(m_controller, &TrainingController::dataReady, this, [this](qint64 train, qint64 validation, qint64 test) {
        m_progressText->setText(tr("Data ready: %1 train, %2 validation, %3 test images")
                                    .arg(train)
                                    .arg(validation)
                                    .arg(test));
    });
    connect(m_controller, &TrainingController::pausedChanged, this, [this](bool paused) {
        m_pause->setText(paused ? tr("Resume") : tr("Pause"));
        if (paused)
            m_progressText->setText(tr("Paused: %1").arg(m_progressText->text()));
    });
    setRunning(false);
}

void TrainView::setRunning(bool running) {
    m_start->setEnabled(!running);
    m_pause->setEnabled(running);
    m_stop->setEnabled(running);
    m_form->setLocked(running);
    if (!running)
        m_pause->setText(tr("Pause"));
}

void TrainView::appendLog(const QString& html) {
    m_log->appendHtml(QStringLiteral("<span style=\"color:gray\">%1</span> %2")
                          .arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")), html));
}

void TrainView::start() {
    if (m_controller->isRunning())
        return;
    TrainConfig config = m_setup->config();
    try {
        validateTrainConfig(config);
    } catch (const std::exception& e) {
        showProblem(tr("Cannot start: %1").arg(QString::fromStdString(e.what())));
        return;
    }
    config.runDir = RunDirectory::newRunPath(defaultRunsFolder(), config.dataset, config.model);
    m_setup->save();
    m_runDir = QString::fromStdString(config.runDir);
    m_epochs = config.epochs;
    m_bestValidation = -1;
    m_lossPlot->clear();
    m_epochPlot->clear();
    m_log->clear();
    m_progress->setValue(0);
    m_progressText->setStyleSheet(QString());
    m_progressText->setText(tr("Loading data…"));
    appendLog(tr("started %1 on %2 → %3")
                  .arg(QString::fromStdString(config.model), QString::fromStdString(config.dataset), m_runDir.toHtmlEscaped()));
    setRunning(true);
    m_controller->start(config);
    emit runStarted(m_runDir);
}

void TrainView::resume(const QString& runDir) {
    if (m_controller->isRunning()) {
        showProblem(tr("Stop the current run before resuming another."));
        return;
    }
    try {
        const RunSummary run = readRun(runDir.toStdString());
        if (!run.hasLastCheckpoint)
            throw Error(runDir.toStdString() + " has no checkpoints/last.pt to resume from");
        m_setup->setConfig(run.config);
        m_epochPlot->setEpochs(readMetrics(runDir.toStdString()));
        m_lossPlot->setPoints(readProgress(runDir.toStdString()));
        m_epochs = run.config.epochs;
    } catch (const std::exception& e) {
        showProblem(tr("Cannot resume: %1").arg(QString::fromStdString(e.what())));
        return;
    }
    m_runDir = runDir;
    appendLog(tr("resuming %1").arg(runDir.toHtmlEscaped()));
    setRunning(true);
    m_controller->start(m_setup->config(), runDir);
    emit runStarted(runDir);
}

void TrainView::togglePause() { m_controller->setPaused(!m_controller->isPaused()); }

void TrainView::stop() {
    if (!m_controller->isRunning())
        return;
    m_progressText->setText(tr("Stopping after this batch…"));
    m_controller->stop();
}

void TrainView::onProgress(const TrainProgress& p) {
    m_lossPlot->addPoint(p);
    const double epochFraction = p.batchesPerEpoch ? static_cast<double>(p.batch) / static_cast<double>(p.batchesPerEpoch) : 0;
    const double overall = (p.epoch - 1 + epochFraction) / std::max(1, p.epochs);
    m_progress->setValue(static_cast<int>(overall * 1000));
    m_progressText->setText(tr("Epoch %1/%2 · batch %3/%4 · loss %5 · accuracy %6 · %7 img/s · lr %8 · ETA %9")
                                .arg(p.epoch)
                                .arg(p.epochs)
                                .arg(p.batch)
                                .arg(p.batchesPerEpoch)
                                .arg(p.loss, 0, 'f', 4)
                                .arg(percent(p.accuracy))
                                .arg(QString::fromStdString(formatCount(static_cast<std::int64_t>(p.imagesPerSecond))))
                                .arg(p.learningRate, 0, 'g', 3)
                                .arg(QString::fromStdString(formatDuration(p.etaSeconds))));
}

void TrainView::onEpoch(const EpochResult& r) {
    m_epochPlot->addEpoch(r);
    QString line = tr("epoch %1: train loss %2, accuracy %3; validation loss %4, accuracy %5 (%6)")
                       .arg(r.epoch)
                       .arg(r.trainLoss, 0, 'f', 4)
                       .arg(percent(r.trainAccuracy))
                       .arg(std::isfinite(r.validationLoss) ? QString::number(r.validationLoss, 'f', 4) : QStringLiteral("–"))
                       .arg(percent(r.validationAccuracy))
                       .arg(QString::fromStdString(formatDuration(r.seconds)));
    if (r.best)
        line += tr(" — <b>best so far, saved</b>");
    appendLog(line);
}

void TrainView::onLog(LogLevel level, const QString& text) {
    if (level == LogLevel::Info)
        appendLog(text.toHtmlEscaped());
    else
        appendLog(QStringLiteral("<span style=\"color:%1\"><b>%2</b> %3</span>")
                      .arg(level == LogLevel::Error ? "#d0453a" : "#d68910",
                           level == LogLevel::Error ? tr("error:") : tr("warning:"), text.toHtmlEscaped()));
}

void TrainView::onFinished(const TrainOutcome& outcome) {
    setRunning(false);
    QString summary;
    switch (outcome.status) {
        case TrainStatus::Completed:
        case TrainStatus::EarlyStopped:
            m_progress->setValue(1000);
            summary = tr("%1 after %2 epochs in %3")
                          .arg(outcome.status == TrainStatus::Completed ? tr("Finished") : tr("Stopped early"))
                          .arg(outcome.epochsDone)
                          .arg(QString::fromStdString(formatDuration(outcome.trainSeconds)));
            if (outcome.hasTest)
                summary += tr(" · test accuracy %1 on %2 images").arg(percent(outcome.test.accuracy)).arg(outcome.test.count);
            appendLog(QStringLiteral("<b>%1</b>").arg(summary.toHtmlEscaped()));
            break;
        case TrainStatus::Cancelled:
            summary = tr("Stopped: %1").arg(QString::fromStdString(outcome.message));
            appendLog(summary.toHtmlEscaped());
            break;
        case TrainStatus::Failed:
            // Shown in the view, not in a modal box: the user may be in another tab, and the
            // message must stay readable next to the curves that led to it.
            summary = tr("Failed: %1").arg(QString::fromStdString(outcome.message));
            showProblem(summary);
            emit statusMessage(summary);
            emit runFinished(outcome);
            return;
    }
    m_progressText->setStyleSheet(QString());
    m_progressText->setText(summary);
    emit statusMessage(summary);
    emit runFinished(outcome);
}

void TrainView::showProblem(const QString& text) {
    m_progressText->setStyleSheet(QStringLiteral("color: #d0453a; font-weight: bold"));
    m_progressText->setText(text);
    m_progressText->setWordWrap(true);
    appendLog(QStringLiteral("<span style=\"color:#d0453a\"><b>%1</b></span>").arg(text.toHtmlEscaped()));
}

void TrainView::exportMetrics() {
    if (m_runDir.isEmpty()) {
        QMessageBox::information(this, tr("Nothing to export"), tr("Train a run first."));
        return;
    }
    const QString target = QFileDialog::getSaveFileName(this, tr("Export metrics"), QStringLiteral("metrics.csv"),
                                                        tr("CSV (*.csv)"));
    if (target.isEmpty())
        return;
    const QString source = m_runDir + QStringLiteral("/metrics.csv");
    QFile::remove(target);
    if (!QFile::copy(source, target))
        QMessageBox::warning(this, tr("Export failed"), tr("Could not copy %1 to %2.").arg(source, target));
}

}  // namespace kanalab::ui
