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

}  // namespace kanalab::kernels
