// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/plot_style.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QFileDialog>
#include <QMessageBox>
#include <QPalette>

namespace kanalab::ui {

QColor seriesColor(int index) {
    static const QColor colors[] = {QColor(0, 114, 178), QColor(213, 94, 0),  QColor(0, 158, 115),
                                    QColor(204, 121, 167), QColor(230, 159, 0), QColor(86, 180, 233),
                                    QColor(120, 120, 120), QColor(240, 228, 66)};
    return colors[index % 8];
}

void stylePlot(QCustomPlot* plot) {
    const QPalette palette = QApplication::palette();
    const QColor background = palette.color(QPalette::Base);
    const QColor text = palette.color(QPalette::Text);
    QColor grid = text;
    grid.setAlpha(40);
    plot->setBackground(background);
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom | QCP::iSelectPlottables);
    for (QCPAxis* axis : plot->axisRect()->axes()) {
        axis->setBasePen(QPen(text));
        axis->setTickPen(QPen(text));
        axis->setSubTickPen(QPen(text));
        axis->setTickLabelColor(text);
        axis->setLabelColor(text);
        axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
    }
    plot->legend->setBrush(QBrush(background));
    plot->legend->setTextColor(text);
    plot->legend->setBorderPen(QPen(grid));
}

bool savePlot(QCustomPlot* plot, const QString& path) {
    if (path.endsWith(QStringLiteral(".pdf"), Qt::CaseInsensitive))
        return plot->savePdf(path);
    return plot->savePng(path, 0, 0, 2.0);
}

bool exportPlot(QCustomPlot* plot, QWidget* parent, const QString& suggestedName) {
    const QString path = QFileDialog::getSaveFileName(parent, QObject::tr("Export plot"), suggestedName,
                                                      QObject::tr("PNG image (*.png);;PDF document (*.pdf)"));
    if (path.isEmpty())
        return false;
    if (!savePlot(plot, path)) {
        QMessageBox::warning(parent, QObject::tr("Export failed"),
                             QObject::tr("Could not write %1. Check that the folder exists and is writable.").arg(path));
        return false;
    }
    return true;
}

}  // namespace kanalab::ui
