// SPDX-License-Identifier: GPL-3.0-or-later
#include "app_setup.h"
#include "evaluate_view/evaluate_view.h"
#include "main_window/main_window.h"
#include "train_view/train_view.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QTabWidget>
#include <QTimer>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    kanalab::ui::setUpApplication(app);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("KanaLab: train and try handwritten-character classifiers"));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption screenshots(QStringLiteral("screenshots"),
                                   QStringLiteral("Save a PNG of every tab into DIR after DELAY ms, then quit "
                                                  "(for documentation; works with QT_QPA_PLATFORM=offscreen)."),
                                   QStringLiteral("DIR"));
    QCommandLineOption delay(QStringLiteral("delay"), QStringLiteral("Milliseconds before --screenshots (default 1500)."),
                             QStringLiteral("DELAY"), QStringLiteral("1500"));
    QCommandLineOption openRun(QStringLiteral("open-run"), QStringLiteral("Show this run in the Evaluate tab at start."),
                               QStringLiteral("RUN_DIR"));
    QCommandLineOption trainSeconds(QStringLiteral("train-seconds"),
                                    QStringLiteral("With --screenshots: press Start, take the pictures after this many "
                                                   "seconds of training, then stop it."),
                                    QStringLiteral("SECONDS"));
    parser.addOption(screenshots);
    parser.addOption(delay);
    parser.addOption(openRun);
    parser.addOption(trainSeconds);
    parser.process(app);

    kanalab::ui::MainWindow window;
    window.show();
    if (parser.isSet(openRun))
        window.evaluateView()->showRun(parser.value(openRun));
    if (parser.isSet(screenshots)) {
        const QString dir = parser.value(screenshots);
        QDir().mkpath(dir);
        window.resize(1400, 900);
        int wait = parser.value(delay).toInt();
        if (parser.isSet(trainSeconds)) {
            // Pictures of a live run for the documentation: Start, then the tour while it trains.
            QTimer::singleShot(0, window.trainView(), &kanalab::ui::TrainView::start);
            wait += 1000 * parser.value(trainSeconds).toInt();
        }
        QTimer::singleShot(wait, &window, [&window, dir] {
            QTabWidget* tabs = window.tabs();
            for (int i = 0; i < tabs->count(); ++i) {
                tabs->setCurrentIndex(i);
                QApplication::processEvents();
                const QString name = tabs->tabText(i).remove(QLatin1Char('&')).toLower();
                window.grab().save(dir + QLatin1Char('/') + name + QStringLiteral(".png"));
            }
            window.setAskBeforeClosing(false);
            window.close();
        });
    }
    return app.exec();
}
