// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QImage>
#include <QPointF>
#include <QWidget>

#include <vector>

namespace kanalab::ui {

// A square sheet of paper to write on with the mouse, a pen or a finger. Strokes are painted,
// antialiased, into a backing QImage (Qt's Scribble example), and only the touched rectangle
// is repainted; the widget shows the sheet scaled to its size. Each stroke is remembered, so
// undo and redo work stroke by stroke; tablet pressure varies the width. A guide box (not part
// of the drawing) suggests where to write. A picture can be loaded as the background (an
// opened file, a drop, a paste) and written over.
class DrawingCanvas : public QWidget {
    Q_OBJECT
public:
    static constexpr int kSheetSize = 400;

    explicit DrawingCanvas(QWidget* parent = nullptr);

    // The drawing: dark ink on white, kSheetSize x kSheetSize.
    const QImage& image() const { return m_image; }
    bool isEmpty() const { return m_strokes.empty() && m_background.isNull(); }

    void setPenWidth(qreal width);
    qreal penWidth() const { return m_penWidth; }
    void setGuideVisible(bool visible);
    bool guideVisible() const { return m_guide; }
    bool canUndo() const { return !m_strokes.empty(); }
    bool canRedo() const { return !m_redo.empty(); }
    int strokeCount() const { return static_cast<int>(m_strokes.size()); }

    // Replaces everything with a picture, scaled to fit the sheet (a file, a drop, a paste).
    void setPicture(const QImage& picture);
    // Sheet coordinates <-> widget coordinates (tests draw through these).
    QPointF toWidget(const QPointF& sheet) const;
    QPointF toSheet(const QPointF& widget) const;

public slots:
    void clear();
    void undo();
    void redo();

signals:
    // While a stroke is being drawn and after every change: the prediction follows.
    void changed();
    void historyChanged();
    void pictureDropped(const QImage& picture);
    void fileDropped(const QString& path);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void tabletEvent(QTabletEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    QSize sizeHint() const override { return {kSheetSize, kSheetSize}; }
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override { return width; }

private:
    struct Stroke {
        std::vector<QPointF> points;
        std::vector<qreal> pressures;
        qreal width = 18;
    };

    void beginStroke(const QPointF& sheet, qreal pressure);
    void extendStroke(const QPointF& sheet, qreal pressure);
    void endStroke();
    // Paints the stroke's last segment (or the dot it starts with); returns the touched area.
    QRectF paintSegment(const Stroke& stroke, std::size_t index);
    void repaintAll();
    QRectF sheetRect() const;

    QImage m_image;
    QImage m_background;
    std::vector<Stroke> m_strokes;
    std::vector<Stroke> m_redo;
    bool m_drawing = false;
    bool m_tabletActive = false;
    qreal m_penWidth = 18;
    bool m_guide = true;
};

}  // namespace kanalab::ui
