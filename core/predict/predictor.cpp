// SPDX-License-Identifier: GPL-3.0-or-later
#include "predict/predictor.h"

#include "common/error.h"
#include "data/data_dirs.h"
#include "data/imported_source.h"
#include "eval/evaluator.h"
#include "train/checkpoint.h"

#include <torch/torch.h>

#include <algorithm>
#include <numeric>

namespace kanalab {

struct Predictor::Impl {
    std::string path;
    CheckpointMeta meta;
    Classifier model{nullptr};
    PreprocessOptions preprocessing;
    // How a photo is brought to the model's size: as its dataset's images were (an imported
    // folder records pad or crop; built-in colour sets are already the size and take padding).
    FitMode photoFit = FitMode::Pad;
    std::vector<std::string> imageLayers;

    void checkSize(int rows, int cols) const {
        if (rows != meta.spec.height || cols != meta.spec.width)
            throw Error("the model expects " + std::to_string(meta.spec.height) + "x" +
                        std::to_string(meta.spec.width) + " inputs, got " + std::to_string(rows) + "x" +
                        std::to_string(cols));
    }

    at::Tensor inputTensor(const GrayImage& input) const {
        checkSize(input.rows, input.cols);
        auto bytes = torch::from_blob(const_cast<std::uint8_t*>(input.pixels.data()),
                                      {1, 1, input.rows, input.cols}, torch::kUInt8);
        auto x = bytes.to(torch::kFloat).div_(255.0f);
        if (meta.spec.channels > 1)
            x = x.expand({1, meta.spec.channels, input.rows, input.cols}).contiguous();
        normalizeInPlace(x, {meta.normalizationMean, meta.normalizationStd});
        return x;
    }

    at::Tensor inputTensor(const DecodedImage& input) const {
        if (input.channels != meta.spec.channels)
            throw Error("the model takes " + std::to_string(meta.spec.channels) + "-channel inputs, got " +
                        std::to_string(input.channels) + " channels");
        checkSize(input.rows, input.cols);
        // Planar, as the datasets store images: exactly the layout of one N x C x H x W sample.
        auto bytes = torch::from_blob(const_cast<std::uint8_t*>(input.pixels.data()),
                                      {1, input.channels, input.rows, input.cols}, torch::kUInt8);
        auto x = bytes.to(torch::kFloat).div_(255.0f);
        normalizeInPlace(x, {meta.normalizationMean, meta.normalizationStd});
        return x;
    }

    PredictionResult answer(const at::Tensor& input) {
        // Inference mode is thread-local: opened here, in whichever thread predicts.
        c10::InferenceMode inference;
        const auto probabilities = predictProbabilities(model, input, 0).contiguous();
        PredictionResult result;
        result.probabilities.assign(probabilities.data_ptr<float>(),
                                    probabilities.data_ptr<float>() + probabilities.numel());
        for (std::size_t i = 0; i < result.probabilities.size(); ++i)
            result.ranked.push_back({static_cast<int>(i), result.probabilities[i]});
        std::stable_sort(result.ranked.begin(), result.ranked.end(),
                         [](const ClassScore& a, const ClassScore& b) { return a.probability > b.probability; });
        return result;
    }

    FeatureMap featureMap(const at::Tensor& input, const std::string& layer) {
        c10::InferenceMode inference;
        FeatureMap map;
        map.layer = layer;
        model->forwardObserved(input, [&](const std::string& name, const torch::Tensor& output) {
            if (name != layer || output.dim() != 4)
                return;
            auto values = output[0].contiguous();
            map.shape = {values.size(0), values.size(1), values.size(2)};
            map.values.assign(values.data_ptr<float>(), values.data_ptr<float>() + values.numel());
        });
        if (map.values.empty())
            throw Error("layer '" + layer + "' of " + meta.architecture + " has no image-shaped output");
        return map;
    }
};

Predictor::Predictor(const std::string& runDirOrCheckpoint) : m_impl(std::make_unique<Impl>()) {
    m_impl->path = resolveCheckpoint(runDirOrCheckpoint);
    m_impl->model = loadModelFromCheckpoint(m_impl->path, &m_impl->meta);
    m_impl->preprocessing = preprocessFor(m_impl->meta.dataset);
    m_impl->preprocessing.outputSize = m_impl->meta.spec.height;
    if (const DatasetInfo* info = tryFindDataset(m_impl->meta.dataset))
        if (const auto* imported = dynamic_cast<const ImportedSource*>(info->source))
            m_impl->photoFit = imported->meta().fit == "crop" ? FitMode::CentreCrop : FitMode::Pad;
    if (m_impl->meta.classes.size() != static_cast<std::size_t>(m_impl->meta.spec.numClasses))
        throw Error(m_impl->path + ": its class list has " + std::to_string(m_impl->meta.classes.size()) +
                    " entries for a model of " + std::to_string(m_impl->meta.spec.numClasses) + " classes");
    torch::NoGradGuard noGrad;
    m_impl->model->forwardObserved(torch::zeros({1, m_impl->meta.spec.channels, m_impl->meta.spec.height,
                                                 m_impl->meta.spec.width}),
                                   [&](const std::string& name, const torch::Tensor& output) {
                                       if (output.dim() == 4 && output.size(2) > 1)
                                           m_impl->imageLayers.push_back(name);
                                   });
}

Predictor::~Predictor() = default;

std::string Predictor::resolveCheckpoint(const std::string& path) {
    if (isDirectory(path)) {
        for (const char* name : {"checkpoints/best.pt", "checkpoints/last.pt"}) {
            const std::string candidate = joinPath(path, name);
            if (isRegularFile(candidate))
                return candidate;
        }
        throw Error(path + " holds no checkpoint (checkpoints/best.pt or last.pt): train it first");
    }
    if (!isRegularFile(path))
        throw Error(path + ": no such model file or run directory");
    return path;
}

const std::string& Predictor::checkpointPath() const { return m_impl->path; }
const std::string& Predictor::architecture() const { return m_impl->meta.architecture; }
const std::string& Predictor::dataset() const { return m_impl->meta.dataset; }
const std::vector<ClassInfo>& Predictor::classes() const { return m_impl->meta.classes; }
const PreprocessOptions& Predictor::preprocessing() const { return m_impl->preprocessing; }
std::vector<std::string> Predictor::imageLayers() const { return m_impl->imageLayers; }

int Predictor::inputChannels() const {
    return m_impl->meta.spec.channels;
}
int Predictor::inputRows() const {
    return m_impl->meta.spec.height;
}
int Predictor::inputCols() const {
    return m_impl->meta.spec.width;
}

PredictionResult Predictor::predictPrepared(const GrayImage& input) {
    PredictionResult result = m_impl->answer(m_impl->inputTensor(input));
    result.modelInput = input;
    return result;
}

PredictionResult Predictor::predictPrepared(const DecodedImage& input) {
    if (input.channels == 1)
        return predictPrepared(toGray(input));  // a colour model takes it as R = G = B
    PredictionResult result = m_impl->answer(m_impl->inputTensor(input));
    result.colourInput = input;
    result.modelInput = toGray(input);
    return result;
}

PredictionResult Predictor::predictDrawing(const GrayImage& image) {
    return predictPrepared(prepareForModel(image, m_impl->preprocessing));
}

PredictionResult Predictor::predictImage(const DecodedImage& picture) {
    if (m_impl->meta.spec.channels != 3)
        return predictDrawing(toGray(picture));
    return predictPrepared(preparePhoto(picture, m_impl->meta.spec.height, m_impl->meta.spec.width, m_impl->photoFit));
}

PredictionResult Predictor::predictFile(const std::string& path) {
    if (m_impl->meta.spec.channels == 3)
        return predictImage(loadImageFile(path, 3));
    return predictDrawing(loadGrayImage(path));
}

FeatureMap Predictor::featureMap(const GrayImage& preparedInput, const std::string& layer) {
    return m_impl->featureMap(m_impl->inputTensor(preparedInput), layer);
}

FeatureMap Predictor::featureMap(const DecodedImage& preparedInput, const std::string& layer) {
    return m_impl->featureMap(m_impl->inputTensor(preparedInput), layer);
}

}  // namespace kanalab
