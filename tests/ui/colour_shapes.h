// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A small colour dataset for the GUI tests, generated on the fly (never committed): ten class
// folders of 32x32 PNGs, each class one shape in one colour, placed and sized a little
// differently per image on a light background that varies too, so a model has to look at
// colour and shape rather than at one fixed picture.

#include <QColor>
#include <QDir>
#include <QImage>
#include <QPainter>
#include <QPainterPath>
#include <QPolygonF>
#include <QRandomGenerator>
#include <QString>
#include <QStringList>

#include <cmath>
#include <cstdlib>

namespace kanalab::test {

inline const QStringList& colourShapeClasses() {
    static const QStringList names{"red-circle", "orange-square", "yellow-triangle", "green-diamond", "teal-ring",
                                   "blue-cross", "purple-bar",    "pink-star",       "brown-dot",     "navy-wave"};
    return names;
}

// One image of class cls; variant picks the placement (the same variant, the same image).
inline QImage colourShape(int cls, int variant, int side = 32) {
    static const QColor colours[] = {{220, 40, 40}, {240, 140, 20}, {230, 210, 30},  {40, 170, 60}, {20, 160, 160},
                                     {40, 80, 220}, {140, 60, 200}, {240, 110, 180}, {130, 80, 40}, {20, 40, 130}};
    QRandomGenerator random(static_cast<quint32>(cls * 1000 + variant + 1));
    QImage image(side, side, QImage::Format_RGB888);
    const int paper = 215 + random.bounded(40);
    image.fill(QColor(paper, paper - random.bounded(15), paper - random.bounded(25)));
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    const QColor colour = colours[cls % 10];
    const double s = side * (0.55 + 0.25 * random.generateDouble());
    const QPointF c(side / 2.0 + (random.generateDouble() - 0.5) * side * 0.2,
                    side / 2.0 + (random.generateDouble() - 0.5) * side * 0.2);
    const QRectF box(c.x() - s / 2, c.y() - s / 2, s, s);
    painter.setPen(Qt::NoPen);
    painter.setBrush(colour);
    switch (cls % 10) {
        case 0:
            painter.drawEllipse(box);
            break;
        case 1:
            painter.drawRect(box);
            break;
        case 2:
            painter.drawPolygon(QPolygonF({{c.x(), box.top()}, box.bottomRight(), box.bottomLeft()}));
            break;
        case 3:
            painter.drawPolygon(
                QPolygonF({{c.x(), box.top()}, {box.right(), c.y()}, {c.x(), box.bottom()}, {box.left(), c.y()}}));
            break;
        case 4:
            painter.setPen(QPen(colour, s / 6));
            painter.setBrush(Qt::NoBrush);
            painter.drawEllipse(box.adjusted(s / 8, s / 8, -s / 8, -s / 8));
            break;
        case 5:
            painter.drawRect(QRectF(c.x() - s / 8, box.top(), s / 4, s));
            painter.drawRect(QRectF(box.left(), c.y() - s / 8, s, s / 4));
            break;
        case 6:
            painter.drawRect(QRectF(box.left(), c.y() - s / 6, s, s / 3));
            break;
        case 7: {
            QPolygonF star;
            for (int k = 0; k < 10; ++k) {
                const double r = k % 2 ? s / 5 : s / 2;
                const double a = M_PI / 2 + k * M_PI / 5;
                star << QPointF(c.x() + r * std::cos(a), c.y() - r * std::sin(a));
            }
            painter.drawPolygon(star);
            break;
        }
        case 8:
            painter.drawEllipse(c, s / 4, s / 4);
            break;
        default: {
            QPainterPath wave;
            wave.moveTo(box.left(), c.y());
            wave.cubicTo(c.x() - s / 4, box.top(), c.x() + s / 4, box.bottom(), box.right(), c.y());
            painter.setPen(QPen(colour, s / 7, Qt::SolidLine, Qt::RoundCap));
            painter.setBrush(Qt::NoBrush);
            painter.drawPath(wave);
        }
    }
    return image;
}

// root/<class>/<i>.png, perClass images a class; true when every file was written.
inline bool writeColourShapes(const QString& root, int perClass) {
    const QStringList& names = colourShapeClasses();
    for (int c = 0; c < names.size(); ++c) {
        const QString folder = QDir(root).filePath(names[c]);
        if (!QDir().mkpath(folder))
            return false;
        for (int i = 0; i < perClass; ++i)
            if (!colourShape(c, i).save(QDir(folder).filePath(QStringLiteral("%1.png").arg(i, 3, 10, QLatin1Char('0'))),
                                        "PNG"))
                return false;
    }
    return true;
}

// True when some pixel is clearly coloured (not a shade of gray): a colour image came through.
inline bool hasColour(const QImage& image) {
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (std::abs(c.red() - c.green()) > 40 || std::abs(c.green() - c.blue()) > 40)
                return true;
        }
    return false;
}

}  // namespace kanalab::test
