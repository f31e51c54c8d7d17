// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Helpers shared by the Qt widget tests: where the shared datasets are, skipping when they are
// absent, and optional screenshots to look at.

#include <QDir>
#include <QFileInfo>
#include <QString>
#include <QTemporaryDir>
#include <QWidget>
#include <QtTest>

namespace kanalab::test {

inline QString sharedDataDir() {
    const QByteArray fromEnv = qgetenv("KANALAB_TEST_DATA");
    return fromEnv.isEmpty() ? QStringLiteral(KANALAB_TEST_DATA_DIR) : QString::fromLocal8Bit(fromEnv);
}

inline bool hasKmnistTest() {
    const QDir kmnist(sharedDataDir() + QStringLiteral("/kmnist"));
    return QFileInfo(kmnist.filePath(QStringLiteral("t10k-images-idx3-ubyte.gz"))).isFile() &&
           QFileInfo(kmnist.filePath(QStringLiteral("t10k-labels-idx1-ubyte.gz"))).isFile();
}

// Skips the current test, saying what is missing, when the KMNIST test files are absent.
#define REQUIRE_KMNIST()                                                                                        \
    do {                                                                                                        \
        if (!::kanalab::test::hasKmnistTest())                                                                  \
            QSKIP(qPrintable(QStringLiteral("needs the KMNIST test files in %1/kmnist (set KANALAB_TEST_DATA)") \
                                 .arg(::kanalab::test::sharedDataDir())));                                       \
    } while (0)

// Points the user's folders (settings, runs, downloads) into `home`, and Qt at the offscreen
// platform unless the caller chose one: call before QApplication.
inline void isolateUserFolders(const QTemporaryDir& home) {
    qputenv("XDG_DATA_HOME", QDir(home.path()).filePath("data").toLocal8Bit());
    qputenv("XDG_CONFIG_HOME", QDir(home.path()).filePath("config").toLocal8Bit());
    qputenv("XDG_CACHE_HOME", QDir(home.path()).filePath("cache").toLocal8Bit());
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
}

// With $KANALAB_TEST_SCREENSHOTS set, saves the widget as <dir>/<name>.png to look at.
inline void saveScreenshot(QWidget& widget, const QString& name) {
    const QString dir = qEnvironmentVariable("KANALAB_TEST_SCREENSHOTS");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    widget.resize(1280, 800);
    widget.show();
    QTest::qWait(200);
    widget.grab().save(QDir(dir).filePath(name + QStringLiteral(".png")));
}

}  // namespace kanalab::test
