// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/class_labels.h"

#include <QApplication>
#include <QFontDatabase>
#include <QFontMetrics>

namespace kanalab::ui {
namespace {

const QChar kProbe(0x304A);  // お

QString findKanaFamily() {
    const QFont base = QApplication::font();
    if (QFontMetrics(base).inFont(kProbe))
        return base.family();
    const QStringList preferred = {"Noto Sans CJK JP", "Noto Serif CJK JP", "Noto Sans JP", "IPAGothic",
                                   "IPAexGothic", "TakaoGothic", "VL Gothic", "Droid Sans Fallback"};
    const QStringList families = QFontDatabase::families();
    for (const auto& name : preferred)
        if (families.contains(name))
            return name;
    for (const auto& family : QFontDatabase::families(QFontDatabase::Japanese))
        if (QFontMetrics(QFont(family)).inFont(kProbe))
            return family;
    return {};
}

const QString& kanaFamily() {
    static const QString family = findKanaFamily();
    return family;
}

}  // namespace

QString classLabel(const ClassInfo& info) { return QString::fromStdString(info.displayName()); }

QString classLabel(const std::vector<ClassInfo>& classes, int index) {
    if (index >= 0 && index < static_cast<int>(classes.size()))
        return classLabel(classes[static_cast<std::size_t>(index)]);
    return QStringLiteral("class %1").arg(index);
}

QFont kanaFont(double pointSize) {
    QFont font = QApplication::font();
    if (!kanaFamily().isEmpty())
        font.setFamilies({font.family(), kanaFamily()});
    if (pointSize > 0)
        font.setPointSizeF(pointSize);
    return font;
}

bool kanaFontAvailable() { return QFontMetrics(kanaFont()).inFont(kProbe); }

}  // namespace kanalab::ui
