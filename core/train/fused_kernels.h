// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Optimizer updates as one pass over the flat buffers, instead of one LibTorch operation (and one
// pass over memory) per term of the formula. Internal to core/train.

#include <cstdint>

namespace kanalab::kernels {

struct AdamStep {
    float beta1, oneMinusBeta1;
    float beta2, oneMinusBeta2;
    float correction2Sqrt;  // sqrt(1 - beta2^t)
    float epsilon;
    float stepSize;         // -lr / (1 - beta1^t)
    float weightDecay;      // Adam: added to the gradient as weightDecay x w; 0 = none
    float weightScale;      // AdamW: w is multiplied by this first (1 - lr x decay); 1 = none
};

// For each i, in float and in the order of the LibTorch operations it replaces:
//   w *= weightScale;  g' = g + weightDecay x w;
//   m = m x beta1 + (1 - beta1) x g';  v = v x beta2 + (1 - beta2) x g' x g';
//   w += stepSize x m / (sqrt(v) / correction2Sqrt + epsilon)
// Split across LibTorch's intra-op threads.
void adamStep(float* w, const float* g, float* m, float* v, std::int64_t n, const AdamStep& s);

// Cross-entropy of each row of logits [rows x classes] against target, as log_softmax followed
// by nll_loss compute it (row maximum subtracted, float arithmetic). Writes the softmax
// probabilities (for the backward pass) and returns the sum of the row losses, or false when a
// target is outside 0..classes-1 (the caller then lets LibTorch report it).
bool crossEntropyForward(const float* logits, const std::int64_t* target, std::int64_t rows, std::int64_t classes,
                         float* probabilities, double* lossSum);

// grad[i][k] = scale x (probabilities[i][k] - (k == target[i])).
void crossEntropyBackward(const float* probabilities, const std::int64_t* target, std::int64_t rows,
                          std::int64_t classes, float scale, float* grad);

// Rows whose largest logit (the first one on ties; NaN counts as largest, as in argmax) is at
// the target.
std::int64_t countCorrect(const float* logits, const std::int64_t* target, std::int64_t rows, std::int64_t classes);

}  // namespace kanalab::kernels
