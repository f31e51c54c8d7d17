// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

class QApplication;

namespace kanalab::ui {

// Names the application (for QSettings), installs the icon, registers the core's types for
// queued signals and applies the saved theme. Call once, before the first window.
void setUpApplication(QApplication& app);

}  // namespace kanalab::ui
