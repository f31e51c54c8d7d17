// SPDX-License-Identifier: GPL-3.0-or-later
#include "app_setup.h"
#include "main_window/main_window.h"

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
    parser.addOption(screenshots);
    parser.addOption(delay);
    parser.process(app);

    kanalab::ui::MainWindow window;
    window.show();
    if (parser.isSet(screenshots)) {
        const QString dir = parser.value(screenshots);
        QDir().mkpath(dir);
        QTimer::singleShot(parser.value(delay).toInt(), &window, [&window, dir] {
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
