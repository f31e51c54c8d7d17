// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "predict/predictor.h"

#include <QWidget>

#include <string>
#include <vector>

class QComboBox;
class QLabel;

namespace kanalab::ui {

// A convolutional layer's activations for the current input: one small heat map per channel,
// laid out in a grid, with the layer's output shape. The layer is chosen from the model's
// image-shaped layers.
class FeatureMapView : public QWidget {
    Q_OBJECT
public:
    explicit FeatureMapView(QWidget* parent = nullptr);

    void setLayers(const std::vector<std::string>& layers);
    QString currentLayer() const;
    void showMap(const FeatureMap& map);
    void clearMap(const QString& hint);
    // The grid as one image (tests and export).
    QImage gridImage() const { return m_grid; }
    QString shapeText() const;

signals:
    void layerChanged(const QString& layer);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void render();

    QComboBox* m_layer;
    QLabel* m_shape;
    QLabel* m_picture;
    QImage m_grid;
    FeatureMap m_map;
};

}  // namespace kanalab::ui
