// SPDX-License-Identifier: GPL-3.0-or-later
#include "models/winograd_conv.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/autograd.h>

#if KANALAB_HAVE_DNNL
#include <oneapi/dnnl/dnnl.hpp>

#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#endif

namespace kanalab::models {

namespace {

bool is(const torch::ExpandingArray<2>& v, std::int64_t value) { return (*v)[0] == value && (*v)[1] == value; }

bool layerShapeFits(const torch::nn::Conv2dImpl& conv) {
    const auto& o = conv.options;
    const auto* padding = c10::get_if<torch::ExpandingArray<2>>(&o.padding());
    return is(o.kernel_size(), 3) && is(o.stride(), 1) && padding && is(*padding, 1) && is(o.dilation(), 1) &&
           o.groups() == 1 && !o.transposed() && c10::get_if<torch::enumtype::kZeros>(&o.padding_mode()) &&
           o.in_channels() % 16 == 0 && o.out_channels() % 16 == 0;
}

}  // namespace

#if KANALAB_HAVE_DNNL

namespace {

using dnnl::memory;
using Tag = memory::format_tag;
constexpr auto kF32 = memory::data_type::f32;

dnnl::engine& cpuEngine() {
    static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    return engine;
}

// One convolution shape's three primitives, created once and reused (creating them compiles
// kernels).
struct Primitives {
    dnnl::convolution_forward::primitive_desc forwardPd;
    dnnl::convolution_forward forward;
    dnnl::convolution_backward_data::primitive_desc backwardDataPd;
    dnnl::convolution_backward_data backwardData;
    dnnl::convolution_backward_weights::primitive_desc backwardWeightsPd;
    dnnl::convolution_backward_weights backwardWeights;
};

// batch, in channels, out channels, height, width, bias, threads
using Key = std::tuple<std::int64_t, std::int64_t, std::int64_t, std::int64_t, std::int64_t, bool, int>;

struct Dims {
    memory::dims src, weights, bias, dst;
};

Dims dimsOf(const Key& key) {
    const auto [n, ic, oc, h, w, bias, threads] = key;
    return {{n, ic, h, w}, {oc, ic, 3, 3}, {oc}, {n, oc, h, w}};
}

std::unique_ptr<Primitives> createPrimitives(const Key& key) {
    const Dims d = dimsOf(key);
    const bool withBias = std::get<5>(key);
    const memory::desc src(d.src, kF32, Tag::any), weights(d.weights, kF32, Tag::any), dst(d.dst, kF32, Tag::any);
    const memory::desc bias = withBias ? memory::desc(d.bias, kF32, Tag::x) : memory::desc();
    const memory::dims strides{1, 1}, padding{1, 1};
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    auto& engine = cpuEngine();
    const auto alg = dnnl::algorithm::convolution_winograd;

    auto p = std::make_unique<Primitives>();
    p->forwardPd = dnnl::convolution_forward::primitive_desc(
        withBias ? dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, alg, src, weights, bias, dst,
                                                   strides, padding, padding)
                 : dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, alg, src, weights, dst, strides,
                                                   padding, padding),
        attr, engine);
    p->forward = dnnl::convolution_forward(p->forwardPd);
    p->backwardDataPd = dnnl::convolution_backward_data::primitive_desc(
        dnnl::convolution_backward_data::desc(alg, src, weights, dst, strides, padding, padding), attr, engine,
        p->forwardPd);
    p->backwardData = dnnl::convolution_backward_data(p->backwardDataPd);
    p->backwardWeightsPd = dnnl::convolution_backward_weights::primitive_desc(
        withBias ? dnnl::convolution_backward_weights::desc(alg, src, weights, bias, dst, strides, padding, padding)
                 : dnnl::convolution_backward_weights::desc(alg, src, weights, dst, strides, padding, padding),
        attr, engine, p->forwardPd);
    p->backwardWeights = dnnl::convolution_backward_weights(p->backwardWeightsPd);
    return p;
}

// nullptr when oneDNN has no Winograd implementation for this shape on this CPU.
const Primitives* primitivesFor(const Key& key) {
    static std::mutex mutex;
    static std::map<Key, std::unique_ptr<Primitives>> cache;
    std::lock_guard<std::mutex> lock(mutex);
    auto it = cache.find(key);
    if (it == cache.end()) {
        std::unique_ptr<Primitives> created;
        try {
            created = createPrimitives(key);
        } catch (const dnnl::error&) {
            created = nullptr;  // remembered: not tried again
        }
        it = cache.emplace(key, std::move(created)).first;
    }
    return it->second.get();
}

Key keyFor(const at::Tensor& input, const at::Tensor& weight, bool withBias) {
    return Key{input.size(0), input.size(1), weight.size(0), input.size(2), input.size(3), withBias,
               at::get_num_threads()};
}

// A buffer from LibTorch's allocator for a oneDNN layout.
at::Tensor bufferFor(const memory::desc& desc) {
    return at::empty({static_cast<std::int64_t>(desc.get_size())}, at::TensorOptions().dtype(at::kByte));
}

// dnnl's reorder takes non-const handles; the handles are cheap copies of the same memory.
void reorderInto(memory from, memory to, dnnl::stream& stream) { dnnl::reorder(from, to).execute(stream, from, to); }

// `user` in the layout `wanted`: itself when it already is, else a reordered copy kept alive by
// `holder`.
memory inLayout(const memory& user, const memory::desc& wanted, at::Tensor& holder, dnnl::stream& stream) {
    if (user.get_desc() == wanted)
        return user;
    holder = bufferFor(wanted);
    memory converted(wanted, cpuEngine(), holder.data_ptr());
    reorderInto(user, converted, stream);
    return converted;
}

memory userMemory(const memory::dims& dims, Tag tag, const at::Tensor& tensor) {
    return memory(memory::desc(dims, kF32, tag), cpuEngine(), tensor.data_ptr());
}

class WinogradConv2dFunction : public torch::autograd::Function<WinogradConv2dFunction> {
public:
    // Custom functions need defined tensors for every tensor argument: without a bias, `bias`
    // is an empty placeholder and withBias is false.
    static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& input, const at::Tensor& weight,
                              const at::Tensor& bias, bool withBias) {
        const Key key = keyFor(input, weight, withBias);
        const Primitives* p = primitivesFor(key);
        const Dims d = dimsOf(key);
        dnnl::stream stream(cpuEngine());

        const at::Tensor x = input.contiguous(at::MemoryFormat::ChannelsLast);
        const at::Tensor w = weight.contiguous();
        at::Tensor y = at::empty({d.dst[0], d.dst[1], d.dst[2], d.dst[3]},
                                 input.options().memory_format(at::MemoryFormat::ChannelsLast));
        at::Tensor srcHolder, weightsHolder, dstHolder;
        const memory src = inLayout(userMemory(d.src, Tag::nhwc, x), p->forwardPd.src_desc(), srcHolder, stream);
        const memory weights =
            inLayout(userMemory(d.weights, Tag::oihw, w), p->forwardPd.weights_desc(), weightsHolder, stream);
        const memory userDst = userMemory(d.dst, Tag::nhwc, y);
        memory dst = userDst;
        if (!(p->forwardPd.dst_desc() == userDst.get_desc())) {
            dstHolder = bufferFor(p->forwardPd.dst_desc());
            dst = memory(p->forwardPd.dst_desc(), cpuEngine(), dstHolder.data_ptr());
        }
        at::Tensor scratch = bufferFor(p->forwardPd.scratchpad_desc());
        std::unordered_map<int, memory> args{{DNNL_ARG_SRC, src},
                                             {DNNL_ARG_WEIGHTS, weights},
                                             {DNNL_ARG_DST, dst},
                                             {DNNL_ARG_SCRATCHPAD, memory(p->forwardPd.scratchpad_desc(), cpuEngine(),
                                                                          scratch.data_ptr())}};
        const at::Tensor b = withBias ? bias.contiguous() : at::Tensor();
        if (withBias)
            args.emplace(DNNL_ARG_BIAS, userMemory(d.bias, Tag::x, b));
        p->forward.execute(stream, args);
        if (dstHolder.defined())
            reorderInto(dst, userDst, stream);
        stream.wait();

        // Backward needs the input in oneDNN's layout: keep that copy rather than the input
        // (the reorder is not repeated, and the NHWC input can be freed by its producer).
        ctx->saved_data["src"] = srcHolder.defined() ? srcHolder : x;
        ctx->saved_data["src_reordered"] = srcHolder.defined();
        ctx->saved_data["bias"] = withBias;
        ctx->save_for_backward({weight});
        return y;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grads) {
        const at::Tensor weight = ctx->get_saved_variables()[0];
        const bool withBias = ctx->saved_data["bias"].toBool();
        const at::Tensor saved = ctx->saved_data["src"].toTensor();
        const bool srcReordered = ctx->saved_data["src_reordered"].toBool();
        if (!grads[0].defined())
            return {at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
        const at::Tensor gradOut = grads[0].contiguous(at::MemoryFormat::ChannelsLast);
        const auto& gs = gradOut.sizes();
        const Key key{gs[0], weight.size(1), weight.size(0), gs[2], gs[3], withBias, at::get_num_threads()};
        const Primitives* p = primitivesFor(key);
        const Dims d = dimsOf(key);
        dnnl::stream stream(cpuEngine());

        const memory userDiffDst = userMemory(d.dst, Tag::nhwc, gradOut);
        const memory src = srcReordered ? memory(p->forwardPd.src_desc(), cpuEngine(), saved.data_ptr())
                                        : userMemory(d.src, Tag::nhwc, saved);

        at::Tensor gradInput, gradWeight, gradBias;
        if (ctx->needs_input_grad(0)) {
            at::Tensor diffDstHolder, weightsHolder, diffSrcHolder;
            const at::Tensor w = weight.contiguous();
            const memory diffDst =
                inLayout(userDiffDst, p->backwardDataPd.diff_dst_desc(), diffDstHolder, stream);
            const memory weights = inLayout(userMemory(d.weights, Tag::oihw, w), p->backwardDataPd.weights_desc(),
                                            weightsHolder, stream);
            gradInput = at::empty({d.src[0], d.src[1], d.src[2], d.src[3]},
                                  gradOut.options().memory_format(at::MemoryFormat::ChannelsLast));
            const memory userDiffSrc = userMemory(d.src, Tag::nhwc, gradInput);
            memory diffSrc = userDiffSrc;
            if (!(p->backwardDataPd.diff_src_desc() == userDiffSrc.get_desc())) {
                diffSrcHolder = bufferFor(p->backwardDataPd.diff_src_desc());
                diffSrc = memory(p->backwardDataPd.diff_src_desc(), cpuEngine(), diffSrcHolder.data_ptr());
            }
            at::Tensor scratch = bufferFor(p->backwardDataPd.scratchpad_desc());
            p->backwardData.execute(
                stream, {{DNNL_ARG_DIFF_DST, diffDst},
                         {DNNL_ARG_WEIGHTS, weights},
                         {DNNL_ARG_DIFF_SRC, diffSrc},
                         {DNNL_ARG_SCRATCHPAD,
                          memory(p->backwardDataPd.scratchpad_desc(), cpuEngine(), scratch.data_ptr())}});
            if (diffSrcHolder.defined())
                reorderInto(diffSrc, userDiffSrc, stream);
        }
        if (ctx->needs_input_grad(1) || (withBias && ctx->needs_input_grad(2))) {
            at::Tensor diffDstHolder, srcHolder, diffWeightsHolder;
            const memory diffDst =
                inLayout(userDiffDst, p->backwardWeightsPd.diff_dst_desc(), diffDstHolder, stream);
            const memory srcForWeights = inLayout(src, p->backwardWeightsPd.src_desc(), srcHolder, stream);
            gradWeight = at::empty({d.weights[0], d.weights[1], 3, 3}, gradOut.options());
            const memory userDiffWeights = userMemory(d.weights, Tag::oihw, gradWeight);
            memory diffWeights = userDiffWeights;
            if (!(p->backwardWeightsPd.diff_weights_desc() == userDiffWeights.get_desc())) {
                diffWeightsHolder = bufferFor(p->backwardWeightsPd.diff_weights_desc());
                diffWeights =
                    memory(p->backwardWeightsPd.diff_weights_desc(), cpuEngine(), diffWeightsHolder.data_ptr());
            }
            at::Tensor scratch = bufferFor(p->backwardWeightsPd.scratchpad_desc());
            std::unordered_map<int, memory> args{
                {DNNL_ARG_SRC, srcForWeights},
                {DNNL_ARG_DIFF_DST, diffDst},
                {DNNL_ARG_DIFF_WEIGHTS, diffWeights},
                {DNNL_ARG_SCRATCHPAD,
                 memory(p->backwardWeightsPd.scratchpad_desc(), cpuEngine(), scratch.data_ptr())}};
            if (withBias) {
                gradBias = at::empty({d.bias[0]}, gradOut.options());
                args.emplace(DNNL_ARG_DIFF_BIAS, userMemory(d.bias, Tag::x, gradBias));
            }
            p->backwardWeights.execute(stream, args);
            if (diffWeightsHolder.defined())
                reorderInto(diffWeights, userDiffWeights, stream);
        }
        stream.wait();
        return {gradInput, gradWeight, gradBias, at::Tensor()};
    }
};

bool runtimeMatchesHeaders() {
    const dnnl_version_t* v = dnnl_version();
    return v && v->major == DNNL_VERSION_MAJOR && v->minor == DNNL_VERSION_MINOR;
}

}  // namespace

bool winogradAvailable() {
    static const bool available = [] {
        // KANALAB_WINOGRAD=0: LibTorch's own (direct) convolutions, for comparisons.
        if (const char* env = std::getenv("KANALAB_WINOGRAD"); env && std::string(env) == "0")
            return false;
        if (!runtimeMatchesHeaders())
            return false;
        // oneDNN implements Winograd for AVX-512 CPUs only: ask it for a small shape.
        return primitivesFor(Key{2, 16, 16, 8, 8, true, 1}) != nullptr;
    }();
    return available;
}

bool winogradEligible(const torch::nn::Conv2dImpl& conv, const at::Tensor& input) {
    if (!winogradAvailable() || !layerShapeFits(conv))
        return false;
    // Small batches keep the direct convolution: for one drawing (the Draw tab) the Winograd
    // transforms cost more than they save (canvas_latency, cnn-vgg: p50 3.25 ms with Winograd,
    // 2.69 ms without); from batch 32 on it wins (bench/run.sh).
    constexpr std::int64_t kSmallestWinogradBatch = 8;
    if (!input.device().is_cpu() || input.scalar_type() != at::kFloat || input.dim() != 4 ||
        input.size(0) < kSmallestWinogradBatch || input.size(2) < 2 || input.size(3) < 2)
        return false;
    const at::Tensor& weight = conv.weight;
    if (!weight.device().is_cpu() || weight.scalar_type() != at::kFloat)
        return false;
    return primitivesFor(keyFor(input, weight, conv.options.bias())) != nullptr;
}

at::Tensor winogradConv2d(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias) {
    return WinogradConv2dFunction::apply(input, weight, bias.defined() ? bias : at::empty({0}, weight.options()),
                                         bias.defined());
}

#else  // no oneDNN headers at build time

bool winogradAvailable() { return false; }
bool winogradEligible(const torch::nn::Conv2dImpl& conv, const at::Tensor&) {
    (void)layerShapeFits;
    return false;
}
at::Tensor winogradConv2d(const at::Tensor&, const at::Tensor&, const at::Tensor&) {
    TORCH_CHECK(false, "this build of KanaLab has no oneDNN Winograd convolution");
}

#endif

}  // namespace kanalab::models
