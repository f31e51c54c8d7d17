// SPDX-License-Identifier: GPL-3.0-or-later
#include "models/fast_layers.h"

#include "models/winograd_conv.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/autograd.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/pooling.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace kanalab::models {
namespace {

std::atomic<int>& fastLayersFlag() {
    static std::atomic<int> flag{[] {
        const char* env = std::getenv("KANALAB_FAST_LAYERS");
        return env && std::strcmp(env, "0") == 0 ? 0 : 1;
    }()};
    return flag;
}

// Window positions in LibTorch's scan order: 0 (top left), 1 (top right), 2, 3 (bottom row).
// kNoGradient marks a window whose ReLU output was not positive: ReLU's gradient is 0 there.
constexpr std::uint8_t kNoGradient = 4;

// One output value: LibTorch's rule is "replace when greater, or when NaN", scanning the window
// row by row, so ties keep the first position and the last NaN wins. Written without branches
// (selects) so that the channel loops become vector blends.
//
// With Relu, the value is max_pool(relu(x)) computed as relu(max_pool(x)): ReLU is monotonic,
// so the maximum is the same (NaN included); where it is not positive, the output is 0 and
// ReLU's gradient is 0 whichever position won, which kNoGradient records.
// A float select through integer masks: compilers keep it free of branches, which matters in
// the scalar loops (few channels), where a data-dependent branch mispredicts half the time.
inline float pick(bool take, float yes, float no) {
    std::uint32_t y, n;
    std::memcpy(&y, &yes, 4);
    std::memcpy(&n, &no, 4);
    const std::uint32_t mask = 0u - static_cast<std::uint32_t>(take);
    const std::uint32_t r = (y & mask) | (n & ~mask);
    float out;
    std::memcpy(&out, &r, 4);
    return out;
}

template <bool Relu>
inline void poolOne(float a, float b, float c, float d, float& out, std::uint8_t& index) {
    float m = a;
    std::uint32_t i = 0;
    bool take = (b > m) | (b != b);
    m = pick(take, b, m);
    i = take ? 1u : i;
    take = (c > m) | (c != c);
    m = pick(take, c, m);
    i = take ? 2u : i;
    take = (d > m) | (d != d);
    m = pick(take, d, m);
    i = take ? 3u : i;
    if (Relu) {
        i = m > 0.0f ? i : kNoGradient;
        m = pick(m < 0.0f, 0.0f, m);  // clamp_min(m, 0): NaN stays NaN
    }
    out = m;
    index = static_cast<std::uint8_t>(i);
}

// NHWC: channels are contiguous, so each output pixel is a vector loop over channels.
template <bool Relu>
__attribute__((target_clones("avx2", "default"))) void poolRowNhwc(const float* __restrict r0,
                                                                    const float* __restrict r1,
                                                                    float* __restrict out,
                                                                    std::uint8_t* __restrict index, std::int64_t ow,
                                                                    std::int64_t channels) {
    for (std::int64_t x = 0; x < ow; ++x) {
        const float* __restrict a = r0 + 2 * x * channels;
        const float* __restrict b = a + channels;
        const float* __restrict c = r1 + 2 * x * channels;
        const float* __restrict d = c + channels;
        float* __restrict o = out + x * channels;
        std::uint8_t* __restrict k = index + x * channels;
        for (std::int64_t ch = 0; ch < channels; ++ch)
            poolOne<Relu>(a[ch], b[ch], c[ch], d[ch], o[ch], k[ch]);
    }
}

// NHWC with fewer channels than a vector holds (LeNet's 6): the channel loop would run as
// scalar code. Instead one loop runs over the whole output row, each element reading its window
// through `offsets` (its top-left input element relative to the row): vector gathers.
template <bool Relu>
__attribute__((target_clones("avx2", "default"))) void poolRowNhwcNarrow(const float* __restrict r0,
                                                                          const float* __restrict r1,
                                                                          float* __restrict out,
                                                                          std::uint8_t* __restrict index,
                                                                          const std::int32_t* __restrict offsets,
                                                                          std::int32_t count, std::int32_t channels) {
    for (std::int32_t j = 0; j < count; ++j) {
        const std::int32_t o = offsets[j];
        poolOne<Relu>(r0[o], r0[o + channels], r1[o], r1[o + channels], out[j], index[j]);
    }
}

// NCHW: one row of one plane; neighbours are interleaved.
template <bool Relu>
__attribute__((target_clones("avx2", "default"))) void poolRowNchw(const float* __restrict r0,
                                                                    const float* __restrict r1,
                                                                    float* __restrict out,
                                                                    std::uint8_t* __restrict index, std::int64_t ow) {
    for (std::int64_t x = 0; x < ow; ++x)
        poolOne<Relu>(r0[2 * x], r0[2 * x + 1], r1[2 * x], r1[2 * x + 1], out[x], index[x]);
}

struct PoolShape {
    std::int64_t n, c, h, w, oh, ow;
    bool channelsLast;
};

PoolShape poolShape(const at::Tensor& x) {
    PoolShape s{x.size(0), x.size(1), x.size(2), x.size(3), x.size(2) / 2, x.size(3) / 2,
                x.suggest_memory_format() == at::MemoryFormat::ChannelsLast};
    return s;
}

at::MemoryFormat formatOf(const PoolShape& s) {
    return s.channelsLast ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous;
}

template <bool Relu>
void poolForward(const PoolShape& s, const float* in, float* out, std::uint8_t* index) {
    if (s.channelsLast) {
        const std::int64_t rowOut = s.ow * s.c;
        const bool narrow = s.c < 8 && s.w * s.c < (std::int64_t(1) << 30);
        std::vector<std::int32_t> offsets;
        if (narrow) {
            offsets.resize(static_cast<std::size_t>(rowOut));
            for (std::int64_t j = 0; j < rowOut; ++j)
                offsets[static_cast<std::size_t>(j)] = static_cast<std::int32_t>(2 * (j / s.c) * s.c + j % s.c);
        }
        at::parallel_for(0, s.n * s.oh, std::max<std::int64_t>(1, 16384 / std::max<std::int64_t>(1, rowOut)),
                         [&](std::int64_t begin, std::int64_t end) {
                             for (std::int64_t r = begin; r < end; ++r) {
                                 const std::int64_t n = r / s.oh, y = r % s.oh;
                                 const float* r0 = in + ((n * s.h + 2 * y) * s.w) * s.c;
                                 if (narrow)
                                     poolRowNhwcNarrow<Relu>(r0, r0 + s.w * s.c, out + r * rowOut, index + r * rowOut,
                                                             offsets.data(), static_cast<std::int32_t>(rowOut),
                                                             static_cast<std::int32_t>(s.c));
                                 else
                                     poolRowNhwc<Relu>(r0, r0 + s.w * s.c, out + r * rowOut, index + r * rowOut, s.ow,
                                                       s.c);
                             }
                         });
    } else {
        at::parallel_for(0, s.n * s.c * s.oh, std::max<std::int64_t>(1, 16384 / std::max<std::int64_t>(1, s.ow)),
                         [&](std::int64_t begin, std::int64_t end) {
                             for (std::int64_t r = begin; r < end; ++r) {
                                 const std::int64_t plane = r / s.oh, y = r % s.oh;
                                 const float* r0 = in + (plane * s.h + 2 * y) * s.w;
                                 poolRowNchw<Relu>(r0, r0 + s.w, out + r * s.ow, index + r * s.ow, s.ow);
                             }
                         });
    }
}

// Scatters each output gradient to the input position that won its window; every other input
// gradient is zero (windows do not overlap).
void poolBackward(const PoolShape& s, const float* gradOut, const std::uint8_t* index, float* gradIn) {
    if (s.channelsLast) {
        const std::int64_t rowOut = s.ow * s.c;
        at::parallel_for(0, s.n * s.oh, std::max<std::int64_t>(1, 16384 / std::max<std::int64_t>(1, rowOut)),
                         [&](std::int64_t begin, std::int64_t end) {
                             for (std::int64_t r = begin; r < end; ++r) {
                                 const std::int64_t n = r / s.oh, y = r % s.oh;
                                 float* g0 = gradIn + ((n * s.h + 2 * y) * s.w) * s.c;
                                 float* g1 = g0 + s.w * s.c;
                                 const float* go = gradOut + r * rowOut;
                                 const std::uint8_t* k = index + r * rowOut;
                                 for (std::int64_t x = 0; x < s.ow; ++x)
                                     for (std::int64_t ch = 0; ch < s.c; ++ch) {
                                         const std::uint8_t i = k[x * s.c + ch];
                                         if (i == kNoGradient)
                                             continue;
                                         float* row = (i & 2) ? g1 : g0;
                                         row[(2 * x + (i & 1)) * s.c + ch] = go[x * s.c + ch];
                                     }
                             }
                         });
    } else {
        at::parallel_for(0, s.n * s.c * s.oh, std::max<std::int64_t>(1, 16384 / std::max<std::int64_t>(1, s.ow)),
                         [&](std::int64_t begin, std::int64_t end) {
                             for (std::int64_t r = begin; r < end; ++r) {
                                 const std::int64_t plane = r / s.oh, y = r % s.oh;
                                 float* g0 = gradIn + (plane * s.h + 2 * y) * s.w;
                                 float* g1 = g0 + s.w;
                                 const float* go = gradOut + r * s.ow;
                                 const std::uint8_t* k = index + r * s.ow;
                                 for (std::int64_t x = 0; x < s.ow; ++x) {
                                     const std::uint8_t i = k[x];
                                     if (i == kNoGradient)
                                         continue;
                                     ((i & 2) ? g1 : g0)[2 * x + (i & 1)] = go[x];
                                 }
                             }
                         });
    }
}

class MaxPool2x2Function : public torch::autograd::Function<MaxPool2x2Function> {
public:
    static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x, bool relu) {
        const PoolShape s = poolShape(x);
        const at::Tensor in = x.contiguous(formatOf(s));
        at::Tensor out = at::empty({s.n, s.c, s.oh, s.ow}, x.options().memory_format(formatOf(s)));
        at::Tensor index = at::empty({s.n, s.c, s.oh, s.ow}, x.options().dtype(at::kByte).memory_format(formatOf(s)));
        if (relu)
            poolForward<true>(s, in.data_ptr<float>(), out.data_ptr<float>(), index.data_ptr<std::uint8_t>());
        else
            poolForward<false>(s, in.data_ptr<float>(), out.data_ptr<float>(), index.data_ptr<std::uint8_t>());
        ctx->saved_data["index"] = index;
        ctx->saved_data["h"] = s.h;
        ctx->saved_data["w"] = s.w;
        ctx->saved_data["channels_last"] = s.channelsLast;
        return out;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grads) {
        if (!grads[0].defined())
            return {at::Tensor(), at::Tensor()};
        const at::Tensor index = ctx->saved_data["index"].toTensor();
        const PoolShape s{index.size(0), index.size(1),  ctx->saved_data["h"].toInt(), ctx->saved_data["w"].toInt(),
                          index.size(2), index.size(3), ctx->saved_data["channels_last"].toBool()};
        const at::Tensor gradOut = grads[0].contiguous(formatOf(s));
        // at::zeros ignores a memory format in its options; at::empty honours it.
        at::Tensor gradIn = at::empty({s.n, s.c, s.h, s.w}, gradOut.options().memory_format(formatOf(s))).zero_();
        poolBackward(s, gradOut.data_ptr<float>(), index.data_ptr<std::uint8_t>(), gradIn.data_ptr<float>());
        return {gradIn, at::Tensor()};
    }
};

bool isPool2x2(const torch::nn::Module* module) {
    const auto* pool = dynamic_cast<const torch::nn::MaxPool2dImpl*>(module);
    if (!pool)
        return false;
    const auto& o = pool->options;
    auto is = [](const torch::ExpandingArray<2>& v, std::int64_t value) {
        return (*v)[0] == value && (*v)[1] == value;
    };
    return is(o.kernel_size(), 2) && is(o.stride(), 2) && is(o.padding(), 0) && is(o.dilation(), 1) && !o.ceil_mode();
}

bool poolable(const at::Tensor& x) {
    return x.device().is_cpu() && x.scalar_type() == at::kFloat && x.dim() == 4 && x.size(2) >= 2 &&
           x.size(3) >= 2 && x.numel() > 0;
}

}  // namespace

bool fastLayersEnabled() { return fastLayersFlag().load() != 0; }
void setFastLayers(bool enabled) { fastLayersFlag() = enabled ? 1 : 0; }

at::Tensor maxPool2x2(const at::Tensor& x, bool relu) { return MaxPool2x2Function::apply(x, relu); }

torch::Tensor forwardFast(torch::nn::Sequential& layers, torch::Tensor x) {
    if (!fastLayersEnabled())
        return layers->forward(x);
    const std::size_t count = layers->size();
    for (std::size_t i = 0; i < count; ++i) {
        torch::nn::Module* module = layers->ptr(i).get();
        if (poolable(x)) {
            // ReLU then 2x2 max pooling: max commutes with ReLU, and the ReLU's output is used by
            // nothing else, so one pass computes both (and its backward both gradients).
            if (dynamic_cast<const torch::nn::ReLUImpl*>(module) && i + 1 < count &&
                isPool2x2(layers->ptr(i + 1).get())) {
                x = maxPool2x2(x, /*relu=*/true);
                ++i;
                continue;
            }
            if (isPool2x2(module)) {
                x = maxPool2x2(x, /*relu=*/false);
                continue;
            }
        }
        if (const auto* conv = dynamic_cast<const torch::nn::Conv2dImpl*>(module);
            conv && winogradEligible(*conv, x)) {
            x = winogradConv2d(x, conv->weight, conv->bias);
            continue;
        }
        x = (layers->begin() + static_cast<std::ptrdiff_t>(i))->forward(x);
    }
    return x;
}

}  // namespace kanalab::models
