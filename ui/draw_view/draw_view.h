// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "draw_view/live_predictor.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QSlider;
class QStackedWidget;

namespace kanalab::ui {

class DrawingCanvas;
class FeatureMapView;
class ImagePanel;
class PredictionPanel;

// Write a character and watch the model read it as you write: the canvas, what the model sees
// (the 28x28 input after the same preprocessing the CLI's predict uses), the answer with its
// top-5, and the feature maps of any convolutional layer. Works with the shipped models on first
// launch and with any run's best checkpoint; images can be opened, dropped or pasted.
// For a model of a photo dataset (Fashion-MNIST, CIFAR-10, an imported photo folder) the canvas
// gives way to "try an image" (ImagePanel): a picture, in colour for a colour model.
class DrawView : public QWidget {
    Q_OBJECT
public:
    explicit DrawView(QWidget* parent = nullptr);

    // Re-lists shipped models and runs (after training, or when asked).
    void refreshModels();
    bool selectModel(const QString& path);
    // Reads an image file through the core's loader, exactly as `kanalab-cli predict` does.
    // For a photo model the image panel decodes it off the UI thread: true means started.
    bool openImage(const QString& path);
    // Ctrl+V: an image (or image file) from the clipboard, onto the canvas or the image panel.
    void pasteImage();

    // True while the model's dataset is a photo one and the image panel replaces the canvas.
    bool isTryingImages() const;

    DrawingCanvas* canvas() const { return m_canvas; }
    ImagePanel* imagePanel() const { return m_imagePanel; }
    PredictionPanel* panel() const { return m_panel; }
    FeatureMapView* featureMaps() const { return m_featureMaps; }
    LivePredictor* predictor() const { return m_predictor; }
    QComboBox* modelBox() const { return m_model; }
    const LoadedModel& model() const { return m_loaded; }
    QImage modelInputImage() const;
    bool hasModel() const { return !m_loaded.path.isEmpty(); }

    // The request whose answer the panel shows (LivePredictor::requestCount() once it is current).
    quint64 lastShownRequest() const { return m_lastShown; }

signals:
    void predictionShown(const kanalab::ui::LivePrediction& prediction);
    void modelReady();
    void trainOwnRequested(const QString& dataset);
    void statusMessage(const QString& text);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void predictNow();
    void onPredicted(const LivePrediction& prediction);
    void onModelLoaded(const LoadedModel& model);
    void showModelInput(const PredictionResult& result);
    void openImageDialog();
    void showRandomSample();

    LivePredictor* m_predictor;
    LoadedModel m_loaded;
    QComboBox* m_model;
    QLabel* m_modelInfo;
    QPushButton* m_trainOwn;
    QStackedWidget* m_input;  // the canvas, or the image panel for photo models
    ImagePanel* m_imagePanel;
    DrawingCanvas* m_canvas;
    QSlider* m_penWidth;
    QPushButton* m_undo;
    QPushButton* m_redo;
    QLabel* m_seen;
    QLabel* m_latency;
    PredictionPanel* m_panel;
    FeatureMapView* m_featureMaps;
    GrayImage m_picture;          // an opened image, read by the core's loader
    bool m_pictureIsCurrent = false;  // no stroke drawn over it since
    GrayImage m_lastInput;        // what the model saw last
    DecodedImage m_lastColourInput;  // the same for a colour model (m_lastInput is its luminance)
    quint64 m_lastShown = 0;
    bool m_listed = false;
};

}  // namespace kanalab::ui
