// SPDX-License-Identifier: GPL-3.0-or-later
#include "draw_view/drawing_canvas.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QMimeData>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QTabletEvent>

#include <algorithm>
#include <cmath>

namespace kanalab::ui {
namespace {

const QColor kInk(20, 20, 24);
const QColor kPaper(255, 255, 255);

}  // namespace

DrawingCanvas::DrawingCanvas(QWidget* parent) : QWidget(parent), m_image(kSheetSize, kSheetSize, QImage::Format_RGB32) {
    m_image.fill(kPaper);
    setAttribute(Qt::WA_StaticContents);
    setAttribute(Qt::WA_TabletTracking);
    setAcceptDrops(true);
    setMinimumSize(240, 240);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setCursor(Qt::CrossCursor);
    setToolTip(tr("Write a character here. Drop or paste an image to read it instead."));
}

QRectF DrawingCanvas::sheetRect() const {
    const qreal side = std::min(width(), height());
    return {(width() - side) / 2.0, (height() - side) / 2.0, side, side};
}

QPointF DrawingCanvas::toWidget(const QPointF& sheet) const {
    const QRectF r = sheetRect();
    return {r.left() + sheet.x() * r.width() / kSheetSize, r.top() + sheet.y() * r.height() / kSheetSize};
}

QPointF DrawingCanvas::toSheet(const QPointF& widget) const {
    const QRectF r = sheetRect();
    return {(widget.x() - r.left()) * kSheetSize / r.width(), (widget.y() - r.top()) * kSheetSize / r.height()};
}

void DrawingCanvas::setPenWidth(qreal width) { m_penWidth = std::clamp<qreal>(width, 2, 80); }

void DrawingCanvas::setGuideVisible(bool visible) {
    m_guide = visible;
    update();
}

QRectF DrawingCanvas::paintSegment(const Stroke& stroke, std::size_t i) {
    QPainter painter(&m_image);
    painter.setRenderHint(QPainter::Antialiasing);
    const qreal w = stroke.width * stroke.pressures[i];
    if (i == 0) {
        // A single tap leaves a dot, as a pen would.
        painter.setPen(Qt::NoPen);
        painter.setBrush(kInk);
        painter.drawEllipse(stroke.points[0], w / 2, w / 2);
        return QRectF(stroke.points[0] - QPointF(w, w), QSizeF(2 * w, 2 * w));
    }
    painter.setPen(QPen(kInk, w, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    // A quadratic curve through the midpoints smooths the polyline of mouse samples.
    const QPointF a = stroke.points[i - 1];
    const QPointF b = stroke.points[i];
    const QPointF previousMid = i >= 2 ? (stroke.points[i - 2] + a) / 2 : a;
    const QPointF mid = (a + b) / 2;
    QPainterPath path(previousMid);
    path.quadTo(a, mid);
    path.lineTo(b);  // reach the pointer now; the next segment redraws this tail smoothly
    painter.drawPath(path);
    const qreal margin = w + 2;
    return path.boundingRect().adjusted(-margin, -margin, margin, margin);
}

void DrawingCanvas::repaintAll() {
    m_image.fill(kPaper);
    if (!m_background.isNull()) {
        QPainter painter(&m_image);
        const QImage scaled = m_background.scaled(kSheetSize, kSheetSize, Qt::KeepAspectRatio, Qt::SmoothTransformation);
        painter.drawImage((kSheetSize - scaled.width()) / 2, (kSheetSize - scaled.height()) / 2, scaled);
    }
    for (const Stroke& stroke : m_strokes)
        for (std::size_t i = 0; i < stroke.points.size(); ++i)
            paintSegment(stroke, i);
    update();
}

void DrawingCanvas::beginStroke(const QPointF& sheet, qreal pressure) {
    m_drawing = true;
    m_redo.clear();
    m_strokes.push_back({{sheet}, {pressure}, m_penWidth});
    const QRectF dirty = paintSegment(m_strokes.back(), 0);
    update(QRectF(toWidget(dirty.topLeft()), toWidget(dirty.bottomRight())).toAlignedRect().adjusted(-2, -2, 2, 2));
    emit changed();
    emit historyChanged();
}

void DrawingCanvas::extendStroke(const QPointF& sheet, qreal pressure) {
    if (!m_drawing)
        return;
    Stroke& stroke = m_strokes.back();
    if (QLineF(stroke.points.back(), sheet).length() < 0.75)
        return;  // sub-pixel jitter: nothing to draw
    stroke.points.push_back(sheet);
    stroke.pressures.push_back(pressure);
    const QRectF dirty = paintSegment(stroke, stroke.points.size() - 1);
    update(QRectF(toWidget(dirty.topLeft()), toWidget(dirty.bottomRight())).toAlignedRect().adjusted(-2, -2, 2, 2));
    emit changed();
}

void DrawingCanvas::endStroke() {
    if (!m_drawing)
        return;
    m_drawing = false;
    emit changed();
}

void DrawingCanvas::clear() {
    m_strokes.clear();
    m_redo.clear();
    m_background = QImage();
    repaintAll();
    emit changed();
    emit historyChanged();
}

void DrawingCanvas::undo() {
    if (m_strokes.empty())
        return;
    m_redo.push_back(m_strokes.back());
    m_strokes.pop_back();
    repaintAll();
    emit changed();
    emit historyChanged();
}

void DrawingCanvas::redo() {
    if (m_redo.empty())
        return;
    m_strokes.push_back(m_redo.back());
    m_redo.pop_back();
    repaintAll();
    emit changed();
    emit historyChanged();
}

void DrawingCanvas::setPicture(const QImage& picture) {
    m_strokes.clear();
    m_redo.clear();
    m_background = picture.convertToFormat(QImage::Format_RGB32);
    repaintAll();
    emit changed();
    emit historyChanged();
}

void DrawingCanvas::paintEvent(QPaintEvent* event) {
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Window));
    const QRectF sheet = sheetRect();
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    painter.drawImage(sheet, m_image);
    painter.setPen(QPen(palette().color(QPalette::Mid), 1));
    painter.drawRect(sheet.adjusted(0, 0, -1, -1));
    if (m_guide) {
        // The guide shows where the model's frame is: write inside it, roughly centred.
        QPen dashed(QColor(70, 130, 200, 110), 1, Qt::DashLine);
        painter.setPen(dashed);
        const QRectF box = sheet.adjusted(sheet.width() * 0.12, sheet.height() * 0.12, -sheet.width() * 0.12,
                                          -sheet.height() * 0.12);
        painter.drawRect(box);
        painter.drawLine(QPointF(sheet.center().x(), box.top()), QPointF(sheet.center().x(), box.bottom()));
        painter.drawLine(QPointF(box.left(), sheet.center().y()), QPointF(box.right(), sheet.center().y()));
    }
    if (isEmpty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(sheet, Qt::AlignHCenter | Qt::AlignBottom, tr("write here\n"));
    }
    Q_UNUSED(event);
}

void DrawingCanvas::mousePressEvent(QMouseEvent* event) {
    if (event->button() == Qt::LeftButton && !m_tabletActive)
        beginStroke(toSheet(event->position()), 1.0);
}

void DrawingCanvas::mouseMoveEvent(QMouseEvent* event) {
    if ((event->buttons() & Qt::LeftButton) && !m_tabletActive)
        extendStroke(toSheet(event->position()), 1.0);
}

void DrawingCanvas::mouseReleaseEvent(QMouseEvent* event) {
    if (event->button() == Qt::LeftButton && !m_tabletActive)
        endStroke();
}

void DrawingCanvas::tabletEvent(QTabletEvent* event) {
    // Pressure 0..1 maps to 40%..140% of the pen width: light touches still leave a line.
    const qreal pressure = 0.4 + event->pressure();
    switch (event->type()) {
        case QEvent::TabletPress:
            m_tabletActive = true;
            beginStroke(toSheet(event->position()), pressure);
            break;
        case QEvent::TabletMove:
            if (m_tabletActive)
                extendStroke(toSheet(event->position()), pressure);
            break;
        case QEvent::TabletRelease:
            endStroke();
            m_tabletActive = false;
            break;
        default:
            break;
    }
    event->accept();
}

void DrawingCanvas::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasImage() || event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void DrawingCanvas::dropEvent(QDropEvent* event) {
    const QMimeData* mime = event->mimeData();
    if (mime->hasUrls() && !mime->urls().isEmpty() && mime->urls().front().isLocalFile()) {
        event->acceptProposedAction();
        emit fileDropped(mime->urls().front().toLocalFile());
        return;
    }
    const QImage picture = qvariant_cast<QImage>(mime->imageData());
    if (picture.isNull())
        return;
    event->acceptProposedAction();
    emit pictureDropped(picture);
}

}  // namespace kanalab::ui
