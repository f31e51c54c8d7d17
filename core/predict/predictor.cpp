// SPDX-License-Identifier: GPL-3.0-or-later
#include "predict/predictor.h"

#include "common/error.h"
#include "data/data_dirs.h"
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
    std::vector<std::string> imageLayers;

    at::Tensor inputTensor(const GrayImage& input) const {
        if (input.rows != meta.spec.height || input.cols != meta.spec.width)
            throw Error("the model expects " + std::to_string(meta.spec.height) + "x" + std::to_string(meta.spec.width) +
                        " inputs, got " + std::to_string(input.rows) + "x" + std::to_string(input.cols));
        auto bytes = torch::from_blob(const_cast<std::uint8_t*>(input.pixels.data()),
                                      {1, 1, input.rows, input.cols}, torch::kUInt8);
        auto x = bytes.to(torch::kFloat).div_(255.0f);
        if (meta.spec.channels > 1)
            x = x.expand({1, meta.spec.channels, input.rows, input.cols}).contiguous();
        normalizeInPlace(x, {meta.normalizationMean, meta.normalizationStd});
        return x;
    }
};

Predictor::Predictor(const std::string& runDirOrCheckpoint) : m_impl(std::make_unique<Impl>()) {
    m_impl->path = resolveCheckpoint(runDirOrCheckpoint);
    m_impl->model = loadModelFromCheckpoint(m_impl->path, &m_impl->meta);
    m_impl->preprocessing = preprocessFor(m_impl->meta.dataset);
    m_impl->preprocessing.outputSize = m_impl->meta.spec.height;
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

PredictionResult Predictor::predictPrepared(const GrayImage& input) {
    // Inference mode is thread-local: opened here, in whichever thread predicts.
    c10::InferenceMode inference;
    const auto probabilities = predictProbabilities(m_impl->model, m_impl->inputTensor(input), 0).contiguous();
    PredictionResult result;
    result.modelInput = input;
    result.probabilities.assign(probabilities.data_ptr<float>(), probabilities.data_ptr<float>() + probabilities.numel());
    for (std::size_t i = 0; i < result.probabilities.size(); ++i)
        result.ranked.push_back({static_cast<int>(i), result.probabilities[i]});
    std::stable_sort(result.ranked.begin(), result.ranked.end(),
                     [](const ClassScore& a, const ClassScore& b) { return a.probability > b.probability; });
    return result;
}

PredictionResult Predictor::predictDrawing(const GrayImage& image) {
    return predictPrepared(prepareForModel(image, m_impl->preprocessing));
}

PredictionResult Predictor::predictFile(const std::string& path) { return predictDrawing(loadGrayImage(path)); }

FeatureMap Predictor::featureMap(const GrayImage& preparedInput, const std::string& layer) {
    c10::InferenceMode inference;
    FeatureMap map;
    map.layer = layer;
    m_impl->model->forwardObserved(m_impl->inputTensor(preparedInput),
                                   [&](const std::string& name, const torch::Tensor& output) {
                                       if (name != layer || output.dim() != 4)
                                           return;
                                       auto values = output[0].contiguous();
                                       map.shape = {values.size(0), values.size(1), values.size(2)};
                                       map.values.assign(values.data_ptr<float>(),
                                                         values.data_ptr<float>() + values.numel());
                                   });
    if (map.values.empty())
        throw Error("layer '" + layer + "' of " + m_impl->meta.architecture + " has no image-shaped output");
    return map;
}

}  // namespace kanalab
