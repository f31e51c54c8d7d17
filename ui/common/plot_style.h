// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QColor>
#include <QString>

class QCustomPlot;
class QWidget;

namespace kanalab::ui {

// Colours and fonts that follow the application palette (light or dark), zoom and pan on both
// axes, a legend. Call after creating a plot and again when the palette changes.
void stylePlot(QCustomPlot* plot);

// A distinct colour for series i (colour-blind-safe Okabe-Ito palette, then cycled).
QColor seriesColor(int index);

// Asks for a file name and writes the plot as PNG (2x for sharpness) or PDF by its extension.
// Returns false when the user cancelled or the file could not be written (a message is shown).
bool exportPlot(QCustomPlot* plot, QWidget* parent, const QString& suggestedName);
// Writes without asking (tests, batch export): PNG or PDF by extension.
bool savePlot(QCustomPlot* plot, const QString& path);

}  // namespace kanalab::ui
