// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/memory.h"
#include "models/classifier.h"
#include "train/flat_parameters.h"
#include "train/optimizer.h"
#include "train/train_config.h"

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace kanalab {

// One optimisation step on a ready batch: forward, loss, backward, optional gradient clipping,
// the optimizer's update, and the batch's correct count. The trainer runs it for every batch
// and bench/ measures it, so the benchmark's figures are the training loop's. While it exists,
// freed memory is reused rather than returned to the kernel (common/memory.h).
class TrainStep {
public:
    // classWeights: float [K] for class-weighted cross-entropy, or undefined.
    TrainStep(Classifier model, FlatParameters& parameters, Optimizer& optimizer, LossConfig loss,
              double gradientClipNorm = 0.0, at::Tensor classWeights = {});

    struct Result {
        double loss = 0;           // the batch's mean loss
        std::int64_t correct = 0;  // predictions equal to target
        bool finite = true;        // false: the loss was NaN or infinite and no update was made
    };

    // With mixTarget defined (mixup), the loss is mixLambda x loss(target) + (1 - mixLambda) x
    // loss(mixTarget); accuracy is always counted against target.
    Result run(const at::Tensor& input, const at::Tensor& target, const at::Tensor& mixTarget = {},
               double mixLambda = 1.0);

private:
    ReuseFreedMemoryScope m_memory;
    Classifier m_model;
    FlatParameters& m_params;
    Optimizer& m_optimizer;
    LossConfig m_loss;
    double m_clipNorm;
    at::Tensor m_classWeights;
};

}  // namespace kanalab
