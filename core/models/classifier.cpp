// SPDX-License-Identifier: GPL-3.0-or-later
#include "models/classifier.h"

#include "common/error.h"
#include "common/format.h"
#include "models/fast_layers.h"
#include "models/layer_helpers.h"

#include <torch/nn.h>


namespace kanalab {
namespace {

const std::vector<const models::Architecture*>& architectures() {
    static const std::vector<const models::Architecture*> all = {
        &models::mlpArchitecture(),      &models::mlpDeepArchitecture(),  &models::lenet5Architecture(),
        &models::cnnVggArchitecture(),   &models::sep1dArchitecture(),    &models::resnet18Architecture(),
        &models::resnet34Architecture(), &models::kanalabBestArchitecture(),
    };
    return all;
}

const models::Architecture& findArchitecture(const std::string& name) {
    for (const auto* architecture : architectures())
        if (architecture->info.name == name)
            return *architecture;
    throw Error("unknown model '" + name + "': known models are " + knownModelNames());
}

void validateSpec(const ModelSpec& spec, const ModelInfo& info) {
    if (spec.channels < 1 || spec.height < 8 || spec.width < 8 || spec.numClasses < 2)
        throw Error(info.name + " needs at least 1 channel, 8x8 images and 2 classes, got " +
                    std::to_string(spec.channels) + " channels of " + std::to_string(spec.height) + "x" +
                    std::to_string(spec.width) + " and " + std::to_string(spec.numClasses) + " classes");
    for (const auto& [key, value] : spec.options) {
        bool known = false;
        std::string names;
        for (const auto& option : info.options) {
            known = known || option.name == key;
            names += (names.empty() ? "" : ", ") + option.name;
        }
        if (!known)
            throw Error(info.name + " has no option '" + key + "'" +
                        (names.empty() ? std::string(": it takes none") : "; its options are " + names));
    }
}

std::string pair(const torch::ExpandingArray<2>& v) {
    return (*v)[0] == (*v)[1] ? std::to_string((*v)[0]) : std::to_string((*v)[0]) + "x" + std::to_string((*v)[1]);
}

std::string kernelText(const torch::ExpandingArray<2>& v) {
    return std::to_string((*v)[0]) + "x" + std::to_string((*v)[1]);
}

// "Conv2d 1->6, 5x5, pad 2": compact, for summaries a person reads.
std::string describeLayer(const torch::nn::Module& module) {
    using namespace torch::nn;
    if (const auto* c = dynamic_cast<const Conv2dImpl*>(&module)) {
        const auto& o = c->options;
        std::string text = "Conv2d " + std::to_string(o.in_channels()) + "->" + std::to_string(o.out_channels()) +
                           ", " + kernelText(o.kernel_size());
        if (const auto* pad = c10::get_if<torch::ExpandingArray<2>>(&o.padding()); pad && ((**pad)[0] || (**pad)[1]))
            text += ", pad " + pair(*pad);
        if ((*o.stride())[0] != 1 || (*o.stride())[1] != 1)
            text += ", stride " + pair(o.stride());
        return text;
    }
    if (const auto* l = dynamic_cast<const LinearImpl*>(&module))
        return "Linear " + std::to_string(l->options.in_features()) + "->" + std::to_string(l->options.out_features());
    if (const auto* b = dynamic_cast<const BatchNorm2dImpl*>(&module))
        return "BatchNorm2d " + std::to_string(b->options.num_features());
    if (const auto* p = dynamic_cast<const MaxPool2dImpl*>(&module))
        return "MaxPool2d " + kernelText(p->options.kernel_size());
    if (const auto* p = dynamic_cast<const AvgPool2dImpl*>(&module))
        return "AvgPool2d " + kernelText(p->options.kernel_size());
    if (dynamic_cast<const AdaptiveAvgPool2dImpl*>(&module))
        return "global average pool";
    if (const auto* d = dynamic_cast<const DropoutImpl*>(&module))
        return "Dropout " + formatFixed(d->options.p(), 2);
    if (const auto* stage = dynamic_cast<const models::ResidualStageImpl*>(&module))
        return "residual stage, " + std::to_string(stage->children().size()) + " basic blocks";
    std::string name = module.name();
    for (const char* prefix : {"torch::nn::", "kanalab::models::"})
        if (name.rfind(prefix, 0) == 0)
            name = name.substr(std::char_traits<char>::length(prefix));
    if (name.size() > 4 && name.compare(name.size() - 4, 4, "Impl") == 0)
        name.resize(name.size() - 4);
    return name;
}

}  // namespace

ClassifierImpl::ClassifierImpl(std::string architecture, ModelSpec spec, torch::nn::Sequential layers)
    : m_architecture(std::move(architecture)), m_spec(std::move(spec)) {
    m_layers = register_module("layers", std::move(layers));
    for (const auto* known : architectures())
        if (known->info.name == m_architecture)
            m_channelsLast = known->info.convolutional;
}

torch::Tensor ClassifierImpl::forward(torch::Tensor input) {
    if (m_channelsLast && input.dim() == 4 && input.device().is_cpu() &&
        input.suggest_memory_format() != at::MemoryFormat::ChannelsLast) {
        // Pixels in channels-last order (NHWC) make every layer after them run its NHWC kernel:
        // oneDNN convolutions skip their layout conversions, and max pooling is vectorised over
        // channels instead of branching per pixel (LibTorch 1.13's NCHW max pool was 13x slower
        // on cnn-vgg's first pool). The values are the same; only the memory order differs.
        const auto c = input.size(1), h = input.size(2), w = input.size(3);
        if (c == 1 && input.is_contiguous())
            input = input.as_strided(input.sizes(), {c * h * w, 1, w * c, c});  // same bytes, NHWC strides
        else
            input = input.contiguous(at::MemoryFormat::ChannelsLast);
    }
    return models::forwardFast(m_layers, input);
}

torch::Tensor ClassifierImpl::forwardObserved(torch::Tensor input, const LayerObserver& observe) {
    const auto names = layerNames();
    std::size_t index = 0;
    for (auto& layer : *m_layers) {
        input = layer.forward(input);
        observe(names[index++], input);
    }
    return input;
}

std::vector<std::string> ClassifierImpl::layerNames() const {
    std::vector<std::string> names;
    for (const auto& item : m_layers->named_children())
        names.push_back(item.key());
    return names;
}

std::int64_t countParameters(torch::nn::Module& module) {
    std::int64_t total = 0;
    for (const auto& parameter : module.parameters())
        total += parameter.numel();
    return total;
}

Classifier createModel(const std::string& name, const ModelSpec& spec) {
    const models::Architecture& architecture = findArchitecture(name);
    validateSpec(spec, architecture.info);
    return Classifier(name, spec, architecture.build(spec, architecture.info));
}

const std::vector<ModelInfo>& modelInfos() {
    static const std::vector<ModelInfo> infos = [] {
        std::vector<ModelInfo> list;
        for (const auto* architecture : architectures())
            list.push_back(architecture->info);
        return list;
    }();
    return infos;
}

const ModelInfo& findModelInfo(const std::string& name) { return findArchitecture(name).info; }

std::string knownModelNames() {
    std::string names;
    for (const auto* architecture : architectures())
        names += (names.empty() ? "" : ", ") + architecture->info.name;
    return names;
}

ModelDescription describeModel(const std::string& name, const ModelSpec& spec) {
    Classifier model = createModel(name, spec);
    model->eval();
    ModelDescription description;
    description.info = findModelInfo(name);
    description.spec = spec;
    description.parameters = countParameters(*model);
    const auto children = model->layers()->named_children();
    std::size_t index = 0;
    torch::NoGradGuard noGrad;
    model->forwardObserved(torch::zeros({1, spec.channels, spec.height, spec.width}),
                           [&](const std::string& layerName, const torch::Tensor& output) {
                               LayerSummary row;
                               row.name = layerName;
                               auto& module = *children[index++].value();
                               row.type = describeLayer(module);
                               const auto sizes = output.sizes();
                               row.outputShape.assign(sizes.begin() + 1, sizes.end());
                               row.parameters = countParameters(module);
                               description.layers.push_back(row);
                           });
    return description;
}

}  // namespace kanalab
