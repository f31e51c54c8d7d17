// SPDX-License-Identifier: GPL-3.0-or-later
// How long the GUI's event loop stalls while a model trains: the real main window, a cnn-vgg run
// on KMNIST (test-80-20) started with the Start button, and a 5 ms QTimer that records the gap
// between its ticks. Any gap well above 5 ms is time the UI could not react. Also times
// canvas-to-prediction latency of the Draw view's live predictor when a model is given.
//
//   ui_responsiveness [--seconds S] [--model cnn-vgg] [--threads T]
// Prints: case=ui-stall-cnn-vgg max_gap_ms=... p99_gap_ms=... p50_gap_ms=... ticks=... progress_events=...

#include "app_setup.h"
#include "common/training_setup.h"
#include "main_window/main_window.h"
#include "train/recipes.h"
#include "train_view/train_view.h"
#include "train_view/training_controller.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace kanalab;
using namespace kanalab::ui;

int main(int argc, char** argv) {
    QTemporaryDir home;
    qputenv("XDG_DATA_HOME", QDir(home.path()).filePath("data").toLocal8Bit());
    qputenv("XDG_CONFIG_HOME", QDir(home.path()).filePath("config").toLocal8Bit());
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    setUpApplication(app);
    QCommandLineParser parser;
    QCommandLineOption seconds("seconds", "How long to measure while training.", "S", "30");
    QCommandLineOption model("model", "Architecture to train.", "NAME", "cnn-vgg");
    QCommandLineOption threads("threads", "LibTorch threads (0 = automatic).", "T", "0");
    QCommandLineOption dataDir("data-dir", "Folder with kmnist/.", "DIR", KANALAB_SHARED_DATA_DIR);
    parser.addOptions({seconds, model, threads, dataDir});
    parser.process(app);

    MainWindow window;
    window.setAskBeforeClosing(false);
    window.resize(1280, 860);
    window.show();
    window.showTab(window.trainView());
    const std::string modelName = parser.value(model).toStdString();
    window.setup()->update([&](TrainConfig& c) {
        c.dataset = "kmnist";
        c.dataDir = parser.value(dataDir).toStdString();
        c.protocol = SplitProtocol::Test8020;
        defaultRecipeFor(modelName).apply(c);
        c.epochs = 50;  // longer than the measurement: it is stopped at the end
        c.threads = parser.value(threads).toInt();
    });

    std::vector<double> gaps;
    std::vector<std::pair<double, double>> gapAt;  // (gap, ms since measuring began): where the worst ones fall
    QElapsedTimer sinceStart;
    std::vector<double> epochsAt;
    int progressEvents = 0;
    QObject::connect(window.controller(), &TrainingController::progress, [&] { ++progressEvents; });
    QElapsedTimer sinceTick;
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    ticker.setInterval(5);
    bool measuring = false;
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        if (measuring) {
            gaps.push_back(static_cast<double>(sinceTick.nsecsElapsed()) / 1e6);
            gapAt.emplace_back(gaps.back(), static_cast<double>(sinceStart.elapsed()));
        }
        sinceTick.restart();
    });
    // Measure from the first progress report (data loaded, batches flowing).
    QObject::connect(window.controller(), &TrainingController::progress, [&] {
        if (!measuring) {
            measuring = true;
            sinceTick.restart();
            sinceStart.start();
            QTimer::singleShot(parser.value(seconds).toInt() * 1000, [&] {
                measuring = false;
                window.controller()->stopAndWait(10000);
                app.quit();
            });
        }
    });
    QObject::connect(window.controller(), &TrainingController::epochFinished, [&] {
        if (measuring)
            epochsAt.push_back(static_cast<double>(sinceStart.elapsed()));
    });
    ticker.start();
    window.trainView()->startButton()->click();
    QTimer::singleShot(600000, &app, &QApplication::quit);  // never hang a benchmark run
    app.exec();

    if (gaps.empty()) {
        std::fprintf(stderr, "ui_responsiveness: training never reported progress (is %s/kmnist there?)\n",
                     qPrintable(parser.value(dataDir)));
        return 1;
    }
    std::sort(gaps.begin(), gaps.end());
    auto at = [&](double q) { return gaps[std::min(gaps.size() - 1, static_cast<std::size_t>(q * gaps.size()))]; };
    std::sort(gapAt.begin(), gapAt.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::fprintf(stderr, "worst gaps (ms at ms):");
    for (std::size_t i = 0; i < std::min<std::size_t>(8, gapAt.size()); ++i)
        std::fprintf(stderr, " %.1f@%.0f", gapAt[i].first, gapAt[i].second);
    std::fprintf(stderr, "\nepochs ended at (ms):");
    for (const double t : epochsAt)
        std::fprintf(stderr, " %.0f", t);
    std::fprintf(stderr, "\n");
    std::printf("case=ui-stall-%s max_gap_ms=%.1f p99_gap_ms=%.1f p50_gap_ms=%.1f ticks=%zu progress_events=%d\n",
                modelName.c_str(), gaps.back(), at(0.99), at(0.5), gaps.size(), progressEvents);
    return 0;
}
