// SPDX-License-Identifier: GPL-3.0-or-later
#include "main_window/main_window.h"

#include "common/class_labels.h"
#include "common/theme.h"
#include "common/training_setup.h"
#include "data/data_dirs.h"
#include "data_view/data_view.h"
#include "data/dataset_store.h"
#include "draw_view/draw_view.h"
#include "evaluate_view/evaluate_view.h"
#include "train/recipes.h"
#include "runs_view/runs_view.h"
#include "train_view/train_view.h"
#include "train_view/training_controller.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>

namespace kanalab::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(QStringLiteral("KanaLab"));
    m_setup = new TrainingSetup(this);
    m_setup->load();
    m_controller = new TrainingController(this);

    m_tabs = new QTabWidget(this);
    m_dataView = new DataView(m_setup);
    m_trainView = new TrainView(m_setup, m_controller);
    m_evaluateView = new EvaluateView;
    m_runsView = new RunsView;
    m_tabs->addTab(m_dataView, tr("&Data"));
    m_tabs->addTab(m_trainView, tr("&Train"));
    m_tabs->addTab(m_evaluateView, tr("&Evaluate"));
    m_tabs->addTab(m_runsView, tr("&Runs"));
    m_drawView = new DrawView;
    m_tabs->addTab(m_drawView, tr("Dra&w"));
    setCentralWidget(m_tabs);

    const auto showStatus = [this](const QString& text) { statusBar()->showMessage(text, 8000); };
    connect(m_dataView, &DataView::statusMessage, this, showStatus);
    connect(m_trainView, &TrainView::statusMessage, this, [this](const QString& text) { statusBar()->showMessage(text); });
    connect(m_evaluateView, &EvaluateView::statusMessage, this, showStatus);
    connect(m_runsView, &RunsView::statusMessage, this, showStatus);
    connect(m_trainView, &TrainView::showDataRequested, this, [this] { showTab(m_dataView); });
    connect(m_trainView, &TrainView::runStarted, this, [this](const QString& runDir) { m_runsView->setTrainingRun(runDir); });
    connect(m_trainView, &TrainView::runFinished, this, [this](const TrainOutcome& outcome) {
        m_runsView->setTrainingRun(QString());
        m_drawView->refreshModels();  // the new run's best checkpoint can be tried at once
        // A finished run with a test split is evaluated at once, so its matrix is one click away.
        if (outcome.hasTest && !outcome.runDir.empty())
            m_evaluateView->showRun(QString::fromStdString(outcome.runDir));
    });
    connect(m_runsView, &RunsView::openRequested, this, [this](const QString& runDir) {
        m_evaluateView->showRun(runDir);
        showTab(m_evaluateView);
    });
    connect(m_runsView, &RunsView::resumeRequested, this, [this](const QString& runDir) {
        showTab(m_trainView);
        m_trainView->resume(runDir);
    });
    connect(m_runsView, &RunsView::trainAgainRequested, this, [this](const TrainConfig& config) {
        m_setup->setConfig(config);
        showTab(m_trainView);
    });

    connect(m_drawView, &DrawView::statusMessage, this, showStatus);
    connect(m_drawView, &DrawView::trainOwnRequested, this, [this](const QString& dataset) {
        // One click from a shipped model to training one's own: the full dataset when it is
        // here (official split), else the offline split, with the best recipe.
        const std::string name = dataset.toStdString();
        bool haveTrain = false;
        try {
            haveTrain = locateDataset(findDataset(name), dataRoots(""), false).train.present;
        } catch (const std::exception&) {
        }
        m_setup->update([&](TrainConfig& c) {
            c.dataset = name;
            c.protocol = haveTrain ? SplitProtocol::Official : SplitProtocol::Test8020;
            defaultRecipeFor("kanalab-best").apply(c);
        });
        showTab(haveTrain ? static_cast<QWidget*>(m_trainView) : static_cast<QWidget*>(m_dataView));
        statusBar()->showMessage(haveTrain ? tr("Ready to train kanalab-best on the full %1: press Start").arg(dataset)
                                           : tr("The full %1 is not here yet: download it (Download button), then "
                                                "press Start in the Train tab")
                                                 .arg(dataset));
    });

    buildMenus();
    if (!kanaFontAvailable())
        statusBar()->showMessage(tr("No Japanese font found: hiragana may show as boxes. Install fonts-noto-cjk."));
    else
        statusBar()->showMessage(tr("Ready"));

    QSettings settings;
    if (!restoreGeometry(settings.value("window/geometry").toByteArray()))
        resize(1280, 860);
    m_tabs->setCurrentIndex(settings.value("window/tab", 0).toInt());
}

MainWindow::~MainWindow() = default;

void MainWindow::showTab(QWidget* view) { m_tabs->setCurrentWidget(view); }

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open run folder…"), QKeySequence::Open, this, &MainWindow::openRunFolder);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* train = menuBar()->addMenu(tr("T&raining"));
    QAction* start = train->addAction(tr("&Start"), m_trainView, &TrainView::start);
    start->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    start->setShortcutContext(Qt::ApplicationShortcut);
    QAction* pause = train->addAction(tr("&Pause / resume"), m_trainView, &TrainView::togglePause);
    pause->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    QAction* stop = train->addAction(tr("S&top"), m_trainView, &TrainView::stop);
    stop->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));

    QMenu* view = menuBar()->addMenu(tr("&View"));
    QAction* dark = view->addAction(tr("&Dark theme"));
    dark->setCheckable(true);
    dark->setChecked(isDarkTheme());
    connect(dark, &QAction::toggled, this, [](bool on) {
        applyTheme(on);
        QSettings().setValue("window/dark", on);
    });

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About KanaLab"), this, [this] {
        QMessageBox::about(this, tr("About KanaLab"),
                           tr("<h3>KanaLab %1</h3><p>Train and try handwritten-character classifiers: Kuzushiji-MNIST "
                              "hiragana, MNIST digits, Fashion-MNIST.</p><p>Qt 6 Widgets over LibTorch; plots by "
                              "QCustomPlot. GPL-3.0-or-later.</p><p>KMNIST: CC BY-SA 4.0, \"KMNIST Dataset\" "
                              "(created by CODH), adapted from \"Kuzushiji Dataset\" (created by NIJL and others), "
                              "doi:10.20676/00000341. MNIST: CC BY-SA 3.0. Fashion-MNIST: MIT.</p>")
                               .arg(QApplication::applicationVersion()));
    });
}

void MainWindow::openRunFolder() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a run folder"),
                                                          QString::fromStdString(defaultRunsFolder()));
    if (dir.isEmpty())
        return;
    m_evaluateView->showRun(dir);
    showTab(m_evaluateView);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (m_controller->isRunning()) {
        if (m_askBeforeClosing) {
            const auto answer = QMessageBox::question(
                this, tr("Training is running"),
                tr("Stop the training and quit? The last finished epoch stays saved and the run can be resumed "
                   "from the Runs tab."),
                QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
            if (answer != QMessageBox::Yes) {
                event->ignore();
                return;
            }
        }
        // The loop checks the stop flag every batch: this returns within one batch.
        if (!m_controller->stopAndWait(10000))
            statusBar()->showMessage(tr("The training did not stop in time; quitting anyway."));
    }
    m_setup->save();
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/tab", m_tabs->currentIndex());
    event->accept();
}

}  // namespace kanalab::ui
