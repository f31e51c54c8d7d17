// SPDX-License-Identifier: GPL-3.0-or-later
#include "main_window/main_window.h"

#include <QTabWidget>

namespace kanalab::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(QStringLiteral("KanaLab"));
    m_tabs = new QTabWidget(this);
    setCentralWidget(m_tabs);
    resize(1200, 800);
}

}  // namespace kanalab::ui
