// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace kanalab::ui {

// Fusion style with a light or dark palette; plots restyle themselves on QEvent::PaletteChange.
void applyTheme(bool dark);
bool isDarkTheme();

}  // namespace kanalab::ui
