// SPDX-License-Identifier: GPL-3.0-or-later
#include "draw_view/feature_map_view.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace kanalab::ui {

FeatureMapView::FeatureMapView(QWidget* parent) : QWidget(parent) {
    m_layer = new QComboBox;
    m_layer->setToolTip(tr("Which layer's output to show"));
    m_shape = new QLabel;
    m_picture = new QLabel;
    m_picture->setAlignment(Qt::AlignCenter);
    m_picture->setMinimumSize(200, 160);
    m_picture->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored);
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Layer")));
    top->addWidget(m_layer);
    top->addWidget(m_shape, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_picture, 1);
    connect(m_layer, &QComboBox::currentTextChanged, this, &FeatureMapView::layerChanged);
    clearMap(tr("Feature maps appear here"));
}

void FeatureMapView::setLayers(const std::vector<std::string>& layers) {
    const QSignalBlocker blocker(m_layer);
    m_layer->clear();
    for (const auto& layer : layers)
        m_layer->addItem(QString::fromStdString(layer));
    m_layer->setEnabled(!layers.empty());
    if (layers.empty())
        clearMap(tr("This model has no convolutional layers: nothing to show as maps."));
}

QString FeatureMapView::currentLayer() const { return m_layer->currentText(); }

QString FeatureMapView::shapeText() const { return m_shape->text(); }

void FeatureMapView::clearMap(const QString& hint) {
    m_map = FeatureMap{};
    m_grid = QImage();
    m_shape->clear();
    m_picture->setPixmap(QPixmap());
    m_picture->setText(hint);
}

void FeatureMapView::showMap(const FeatureMap& map) {
    m_map = map;
    m_shape->setText(tr("output %1 × %2 × %3 (channels × height × width)")
                         .arg(map.shape[0])
                         .arg(map.shape[1])
                         .arg(map.shape[2]));
    render();
}

void FeatureMapView::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    if (!m_map.values.empty())
        render();
}

void FeatureMapView::render() {
    if (m_map.shape.size() != 3)
        return;
    const int channels = static_cast<int>(m_map.shape[0]);
    const int h = static_cast<int>(m_map.shape[1]), w = static_cast<int>(m_map.shape[2]);
    // As square a grid as the space allows.
    const double aspect = std::max(1.0, static_cast<double>(m_picture->width())) / std::max(1, m_picture->height());
    const int columns = std::max(1, static_cast<int>(std::ceil(std::sqrt(channels * aspect))));
    const int rows = (channels + columns - 1) / columns;
    const int gap = 1;
    m_grid = QImage(columns * (w + gap), rows * (h + gap), QImage::Format_RGB32);
    m_grid.fill(palette().color(QPalette::Window));
    QCPColorGradient gradient(QCPColorGradient::gpThermal);
    for (int c = 0; c < channels; ++c) {
        const float* values = m_map.values.data() + static_cast<std::size_t>(c) * h * w;
        // Each map scaled to its own range: a channel's pattern matters, not its magnitude.
        const auto [lo, hi] = std::minmax_element(values, values + static_cast<std::ptrdiff_t>(h) * w);
        const QCPRange range(*lo, *hi > *lo ? *hi : *lo + 1e-6);
        const int x0 = (c % columns) * (w + gap), y0 = (c / columns) * (h + gap);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                m_grid.setPixel(x0 + x, y0 + y, gradient.color(values[y * w + x], range));
    }
    m_picture->setPixmap(QPixmap::fromImage(m_grid.scaled(m_picture->size(), Qt::KeepAspectRatio, Qt::FastTransformation)));
}

}  // namespace kanalab::ui
