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
// so that the compiler turns the channel loops into vector blends.
template <bool Relu>
inline void poolOne(float a, float b, float c, float d, float& out, std::uint8_t& index) {
    if (Relu) {
        // relu(x) = clamp_min(x, 0): NaN stays NaN.
        a = a < 0.0f ? 0.0f : a;
        b = b < 0.0f ? 0.0f : b;
        c = c < 0.0f ? 0.0f : c;
        d = d < 0.0f ? 0.0f : d;
    }
    float m = a;
    std::uint8_t i = 0;
    bool take = (b > m) | (b != b);
    m = take ? b : m;
    i = take ? 1 : i;
    take = (c > m) | (c != c);
    m = take ? c : m;
    i = take ? 2 : i;
    take = (d > m) | (d != d);
    m = take ? d : m;
    i = take ? 3 : i;
    if (Relu)
        i = m > 0.0f ? i : kNoGradient;
    out = m;
    index = i;
}

// NHWC: channels are contiguous, so each output pixel is a vector loop over channels.
template <bool Relu>
__attribute__((target_clones("avx2", "default"))) void poolRowNhwc(const float* r0, const float* r1, float* out,
                                                                    std::uint8_t* index, std::int64_t ow,
                                                                    std::int64_t channels) {
    for (std::int64_t x = 0; x < ow; ++x) {
        const float* a = r0 + 2 * x * channels;
        const float* b = a + channels;
        const float* c = r1 + 2 * x * channels;
        const float* d = c + channels;
        float* o = out + x * channels;
        std::uint8_t* k = index + x * channels;
        for (std::int64_t ch = 0; ch < channels; ++ch)
            poolOne<Relu>(a[ch], b[ch], c[ch], d[ch], o[ch], k[ch]);
    }
}

// NCHW: one row of one plane; neighbours are interleaved.
template <bool Relu>
__attribute__((target_clones("avx2", "default"))) void poolRowNchw(const float* r0, const float* r1, float* out,
                                                                    std::uint8_t* index, std::int64_t ow) {
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
        at::parallel_for(0, s.n * s.oh, std::max<std::int64_t>(1, 16384 / std::max<std::int64_t>(1, rowOut)),
                         [&](std::int64_t begin, std::int64_t end) {
                             for (std::int64_t r = begin; r < end; ++r) {
                                 const std::int64_t n = r / s.oh, y = r % s.oh;
                                 const float* r0 = in + ((n * s.h + 2 * y) * s.w) * s.c;
                                 poolRowNhwc<Relu>(r0, r0 + s.w * s.c, out + r * rowOut, index + r * rowOut, s.ow, s.c);
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
