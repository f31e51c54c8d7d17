// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "data/catalogue.h"
#include "predict/preprocess.h"

#include <memory>
#include <string>
#include <vector>

namespace kanalab {

struct ClassScore {
    int index = 0;
    float probability = 0;
};

struct PredictionResult {
    std::vector<float> probabilities;  // per class
    std::vector<ClassScore> ranked;    // most probable first
    GrayImage modelInput;              // what the model saw (28x28, bright ink on black)
};

// One layer's activations for one input: channels x height x width floats.
struct FeatureMap {
    std::string layer;
    std::vector<std::int64_t> shape;  // {C, H, W}
    std::vector<float> values;
};

// A trained model ready to answer: loads a checkpoint (a run directory's best, or a .pt file),
// and predicts on drawings, image files or already-prepared 28x28 inputs. Torch-free interface;
// use one Predictor from one thread at a time.
class Predictor {
public:
    // A run directory (its checkpoints/best.pt, else last.pt) or a checkpoint file. Throws
    // kanalab::Error naming the path when it is missing, damaged or of an unknown architecture.
    explicit Predictor(const std::string& runDirOrCheckpoint);
    ~Predictor();
    Predictor(const Predictor&) = delete;
    Predictor& operator=(const Predictor&) = delete;

    // The checkpoint file a run directory or path resolves to.
    static std::string resolveCheckpoint(const std::string& runDirOrCheckpoint);

    const std::string& checkpointPath() const;
    const std::string& architecture() const;
    const std::string& dataset() const;
    const std::vector<ClassInfo>& classes() const;
    const PreprocessOptions& preprocessing() const;
    // Feature-map layers: the top-level layers whose output is an image (C x H x W).
    std::vector<std::string> imageLayers() const;

    // Drawing or photo: preprocessed as the dataset was (see prepareForModel), then predicted.
    PredictionResult predictDrawing(const GrayImage& image);
    // An image file: same pipeline as a drawing, so the CLI and the canvas agree.
    PredictionResult predictFile(const std::string& path);
    // Input already in the model's frame (e.g. a dataset sample).
    PredictionResult predictPrepared(const GrayImage& input);

    FeatureMap featureMap(const GrayImage& preparedInput, const std::string& layer);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace kanalab
