// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "data/catalogue.h"
#include "predict/predictor.h"

#include <QMetaType>
#include <QObject>
#include <QThread>

#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace kanalab::ui {

// What the view needs to know about a loaded model.
struct LoadedModel {
    QString path;
    std::string architecture;
    std::string dataset;
    std::vector<ClassInfo> classes;
    std::vector<std::string> imageLayers;
    int channels = 1;  // the input the model takes
    int rows = 28;
    int cols = 28;
    // Its dataset holds pictures of things (ImageKind::Photo): the view offers "try an image"
    // rather than a canvas. A dataset this machine does not know counts as a photo one when the
    // model takes colour.
    bool photo = false;
};

struct LivePrediction {
    PredictionResult result;
    double latencyMs = 0;  // preprocessing + forward pass
    quint64 request = 0;   // which request this answers
};

}  // namespace kanalab::ui

Q_DECLARE_METATYPE(kanalab::ui::LoadedModel)
Q_DECLARE_METATYPE(kanalab::ui::LivePrediction)
Q_DECLARE_METATYPE(kanalab::FeatureMap)
Q_DECLARE_METATYPE(kanalab::GrayImage)
Q_DECLARE_METATYPE(kanalab::DecodedImage)

namespace kanalab::ui {

class PredictionWorker;

// Runs the model off the UI thread and coalesces: while one prediction runs, newer drawings
// replace each other in a single pending slot, so only the newest one is computed next and the
// answer never lags behind the pen by more than one forward pass.
class LivePredictor : public QObject {
    Q_OBJECT
public:
    explicit LivePredictor(QObject* parent = nullptr);
    ~LivePredictor() override;

    // Loads a checkpoint in the background: modelLoaded() or modelFailed() follows.
    void loadModel(const QString& path);
    // A drawing or picture to preprocess and predict (coalesced with later requests).
    quint64 request(const GrayImage& drawing);
    // A photo in any channels, for Predictor::predictImage (colour kept for colour models).
    quint64 request(const DecodedImage& picture);
    // The activations of one layer for an already prepared input (what the model saw).
    void requestFeatureMap(const GrayImage& prepared, const QString& layer);
    void requestFeatureMap(const DecodedImage& prepared, const QString& layer);
    // Requests answered so far and requests dropped because a newer one replaced them.
    quint64 requestCount() const { return m_nextRequest - 1; }  // requests made so far
    quint64 computedCount() const;
    quint64 droppedCount() const;

signals:
    void modelLoaded(const kanalab::ui::LoadedModel& model);
    void modelFailed(const QString& message);
    void predicted(const kanalab::ui::LivePrediction& prediction);
    void predictionFailed(const QString& message);
    void featureMapReady(const kanalab::FeatureMap& map);

private:
    QThread m_thread;
    PredictionWorker* m_worker;
    quint64 m_nextRequest = 1;
};

}  // namespace kanalab::ui
