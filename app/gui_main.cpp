// SPDX-License-Identifier: GPL-3.0-or-later
#include "main_window/main_window.h"
#include "app_setup.h"

#include <QApplication>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    kanalab::ui::setUpApplication(app);
    kanalab::ui::MainWindow window;
    window.show();
    return app.exec();
}
