// SPDX-License-Identifier: GPL-3.0-or-later
#include "app_setup.h"

#include "common/core_types.h"
#include "common/theme.h"

#include <QApplication>
#include <QIcon>
#include <QSettings>

namespace kanalab::ui {

void setUpApplication(QApplication& app) {
    // Organisation left empty so QStandardPaths::AppDataLocation is ~/.local/share/KanaLab,
    // the folder the core's userDataFolder() uses as well.
    QApplication::setApplicationName(QStringLiteral("KanaLab"));
    QApplication::setApplicationDisplayName(QStringLiteral("KanaLab"));
    QApplication::setApplicationVersion(QStringLiteral(KANALAB_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("kanalab"));
    app.setWindowIcon(QIcon(QStringLiteral(":/icons/kanalab.svg")));
    registerCoreTypes();
    applyTheme(QSettings().value("window/dark", false).toBool());
}

}  // namespace kanalab::ui
