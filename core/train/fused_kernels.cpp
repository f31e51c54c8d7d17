// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/fused_kernels.h"

#include <ATen/Parallel.h>

#include <cmath>

namespace kanalab::kernels {
namespace {

// Compiled for AVX2 and for plain x86-64, picked at load time (the rest of the project targets
// plain x86-64). With -O3 and -fno-math-errno the loop becomes vector code, sqrt included.
__attribute__((target_clones("avx2", "default"))) void adamRange(float* __restrict w, const float* __restrict g,
                                                                float* __restrict m, float* __restrict v,
                                                                std::int64_t n, AdamStep s) {
    for (std::int64_t i = 0; i < n; ++i) {
        float weight = w[i] * s.weightScale;
        const float grad = g[i] + s.weightDecay * weight;
        const float mi = m[i] * s.beta1 + s.oneMinusBeta1 * grad;
        const float vi = v[i] * s.beta2 + s.oneMinusBeta2 * grad * grad;
        const float denominator = std::sqrt(vi) / s.correction2Sqrt + s.epsilon;
        m[i] = mi;
        v[i] = vi;
        w[i] = weight + s.stepSize * (mi / denominator);
    }
}

}  // namespace

void adamStep(float* w, const float* g, float* m, float* v, std::int64_t n, const AdamStep& s) {
    // 32k floats per task: small models stay on the calling thread (no OpenMP barrier).
    at::parallel_for(0, n, 32768, [&](std::int64_t begin, std::int64_t end) {
        adamRange(w + begin, g + begin, m + begin, v + begin, end - begin, s);
    });
}

bool crossEntropyForward(const float* logits, const std::int64_t* target, std::int64_t rows, std::int64_t classes,
                         float* probabilities, double* lossSum) {
    double sum = 0;
    for (std::int64_t i = 0; i < rows; ++i) {
        const float* x = logits + i * classes;
        float* p = probabilities + i * classes;
        const std::int64_t t = target[i];
        if (t < 0 || t >= classes)
            return false;
        float max = x[0];
        for (std::int64_t k = 1; k < classes; ++k)
            max = (x[k] > max || x[k] != x[k]) ? x[k] : max;
        float total = 0;
        for (std::int64_t k = 0; k < classes; ++k) {
            p[k] = std::exp(x[k] - max);
            total += p[k];
        }
        const float logTotal = std::log(total);
        const float inverse = 1.0f / total;
        for (std::int64_t k = 0; k < classes; ++k)
            p[k] *= inverse;
        sum += -static_cast<double>((x[t] - max) - logTotal);  // -log_softmax(x)[t]
    }
    *lossSum = sum;
    return true;
}

void crossEntropyBackward(const float* probabilities, const std::int64_t* target, std::int64_t rows,
                          std::int64_t classes, float scale, float* grad) {
    for (std::int64_t i = 0; i < rows; ++i) {
        const float* p = probabilities + i * classes;
        float* g = grad + i * classes;
        for (std::int64_t k = 0; k < classes; ++k)
            g[k] = scale * p[k];
        g[target[i]] -= scale;
    }
}

std::int64_t countCorrect(const float* logits, const std::int64_t* target, std::int64_t rows, std::int64_t classes) {
    std::int64_t correct = 0;
    for (std::int64_t i = 0; i < rows; ++i) {
        const float* x = logits + i * classes;
        std::int64_t best = 0;
        for (std::int64_t k = 1; k < classes; ++k)
            if (x[best] == x[best] && (x[k] > x[best] || x[k] != x[k]))
                best = k;
        correct += best == target[i];
    }
    return correct;
}

}  // namespace kanalab::kernels
