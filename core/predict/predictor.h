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
    // What the model saw: for a gray model its input (28x28, bright ink on black); for a colour
    // model the luminance of colourInput, so code that shows or saves gray inputs still works.
    GrayImage modelInput;
    DecodedImage colourInput;  // a colour model's input (planar RGB, its size); empty otherwise
};

// One layer's activations for one input: channels x height x width floats.
struct FeatureMap {
    std::string layer;
    std::vector<std::int64_t> shape;  // {C, H, W}
    std::vector<float> values;
};

// A trained model ready to answer: loads a checkpoint (a run directory's best, or a .pt file),
// and predicts on drawings, image files, photos or already-prepared inputs. A colour model
// (3 input channels: CIFAR-10, an imported colour folder) is shown pictures in colour; a gray one
// is shown them as gray drawings are. Torch-free interface; use one Predictor from one thread at
// a time.
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
    // The input the model takes: 1 (gray) or 3 (RGB) channels of rows x cols.
    int inputChannels() const;
    int inputRows() const;
    int inputCols() const;

    // Drawing or photo: preprocessed as the dataset was (see prepareForModel), then predicted.
    PredictionResult predictDrawing(const GrayImage& image);
    // A picture of any channels (a photo, a screenshot): a colour model sees it fitted to its
    // input size with its colours (preparePhoto, framed as the dataset was imported); a gray
    // model sees its luminance, framed as a drawing.
    PredictionResult predictImage(const DecodedImage& picture);
    // An image file: a gray model reads it as a drawing, so the CLI and the canvas agree; a
    // colour model reads it in colour (EXIF orientation, transparency on white) as predictImage.
    PredictionResult predictFile(const std::string& path);
    // Input already in the model's frame (e.g. a dataset sample): gray for a gray model
    // (a colour model takes it as R = G = B), planar RGB of the model's size for a colour model.
    PredictionResult predictPrepared(const GrayImage& input);
    PredictionResult predictPrepared(const DecodedImage& input);

    FeatureMap featureMap(const GrayImage& preparedInput, const std::string& layer);
    FeatureMap featureMap(const DecodedImage& preparedInput, const std::string& layer);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace kanalab
