// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "data/catalogue.h"

#include <QFont>
#include <QString>

#include <vector>

namespace kanalab::ui {

// "お o", "7", "Sneaker".
QString classLabel(const ClassInfo& info);
// Same, by index, tolerating an index outside the list ("class 12").
QString classLabel(const std::vector<ClassInfo>& classes, int index);

// A font that has the kana: the application font when it covers them, else the first
// installed CJK family (Noto Sans CJK JP from fonts-noto-cjk). pointSize <= 0 keeps the size.
QFont kanaFont(double pointSize = 0);
// Whether kanaFont() really draws お (false means boxes: fonts-noto-cjk is missing).
bool kanaFontAvailable();

}  // namespace kanalab::ui
