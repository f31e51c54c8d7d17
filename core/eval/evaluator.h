// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "data/batch_source.h"
#include "eval/metrics.h"
#include "models/classifier.h"
#include "train/train_config.h"

#include <atomic>
#include <memory>
#include <vector>

namespace kanalab {

struct EvaluationOptions {
    Normalization normalization;
    LossConfig loss;
    int batchSize = 500;
    at::Device device = at::kCPU;
    // Test-time augmentation: average the softmax of the image and of this many copies shifted
    // by one pixel (right, left, down, up, then diagonals). 0 = off.
    int ttaCopies = 0;
    // Make the first copy the mirror image instead: for models trained with mirrors (clothing).
    bool ttaMirror = false;
    const std::atomic<bool>* cancel = nullptr;
};

// Whether a model trained with this augmentation gets the mirror image as its first test-time
// copy: it learned mirrors as the same class (clothing), so the mirror is its most telling view.
inline bool mirrorsAtTestTime(const AugmentConfig& trainedWith) { return trainedWith.flipProbability > 0; }

// Runs the model in eval mode over the chosen images and builds the report.
EvalReport evaluateModel(Classifier& model, const ImageSet& images, const std::vector<std::int64_t>& indices,
                         const EvaluationOptions& options);

// The softmax probabilities for a ready input batch [B, C, H, W] (normalised), with the same
// test-time augmentation as evaluateModel. Used by the predictor.
at::Tensor predictProbabilities(Classifier& model, const at::Tensor& input, int ttaCopies, bool ttaMirror = false);

}  // namespace kanalab
