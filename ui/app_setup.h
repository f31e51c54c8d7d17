// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

class QApplication;

namespace kanalab::ui {

// Names the application (QSettings, QStandardPaths), installs the icon and picks a font that
// has the kana glyphs. Call once, before the first window.
void setUpApplication(QApplication& app);

}  // namespace kanalab::ui
