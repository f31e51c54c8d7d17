// SPDX-License-Identifier: GPL-3.0-or-later
#include "app_setup.h"

#include "common/core_types.h"
#include "common/theme.h"

#include <QApplication>
#include <QIcon>
#include <QSettings>

namespace kanalab::ui {

void setUpApplication(QApplication& app) {
    // Settings land in ~/.config/KanaLab/KanaLab.conf. Data and runs live where the core puts
    // them (core/data/data_dirs.h: ~/.local/share/KanaLab), shared with the CLI.
    QApplication::setOrganizationName(QStringLiteral("KanaLab"));
    QApplication::setApplicationName(QStringLiteral("KanaLab"));
    QApplication::setApplicationDisplayName(QStringLiteral("KanaLab"));
    QApplication::setApplicationVersion(QStringLiteral(KANALAB_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("kanalab"));
    app.setWindowIcon(QIcon(QStringLiteral(":/icons/kanalab.svg")));
    registerCoreTypes();
    applyTheme(QSettings().value("window/dark", false).toBool());
}

}  // namespace kanalab::ui
