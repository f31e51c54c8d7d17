// SPDX-License-Identifier: GPL-3.0-or-later
// The model zoo: parameter counts (hand-computed), output shapes for the datasets' grayscale
// 28x28 input and for RGB 32x32 with 5 classes, the layer summary, option validation, and the
// checkpoint keys, which must never change once weights have shipped.
#include "common/error.h"
#include "common/threads.h"
#include "data/batch_source.h"
#include "data/catalogue.h"
#include "data/dataset_store.h"
#include "models/classifier.h"
#include "models/fast_layers.h"
#include "models/winograd_conv.h"
#include "models/model_spec.h"
#include "support/test_data.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <map>
#include <numeric>
#include <string>
#include <vector>

using namespace kanalab;

namespace {

// ctest runs test executables side by side on a 2-core machine: one thread each.
const ThreadSettings kOneThread = applyThreadSettings({1, 1});

ModelSpec kmnistSpec() {
    const DatasetInfo& info = findDataset("kmnist");
    ModelSpec spec;
    spec.channels = info.channels;
    spec.height = info.rows;
    spec.width = info.cols;
    spec.numClasses = info.numClasses();
    return spec;
}

ModelSpec rgbSpec() {
    ModelSpec spec;
    spec.channels = 3;
    spec.height = 32;
    spec.width = 32;
    spec.numClasses = 5;
    return spec;
}

// Real KMNIST test images when the shared data is there (normalised 0..1), else a seeded
// random batch of the same shape: the shape checks do not need the data, the data just makes
// the inputs realistic.
at::Tensor kmnistBatch(std::int64_t count) {
    if (test::hasSharedFile("kmnist", "t10k-images-idx3-ubyte.gz")) {
        const DatasetInfo& info = findDataset("kmnist");
        const DatasetStatus status = locateDataset(info, {{test::sharedDataDir(), "test"}});
        if (status.test.present) {
            const ImageSet set = loadSplit(status, Split::Test);
            std::vector<std::int64_t> indices(static_cast<std::size_t>(count));
            std::iota(indices.begin(), indices.end(), 0);
            return imagesToTensor(set, indices, Normalization::unit());
        }
    }
    torch::manual_seed(3);
    return torch::rand({count, 1, 28, 28});
}

std::vector<std::int64_t> withoutBatch(const at::Tensor& t) {
    const auto sizes = t.sizes();
    return {sizes.begin() + 1, sizes.end()};
}

std::string errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no kanalab::Error thrown)";
}

std::vector<std::string> allNames() {
    std::vector<std::string> names;
    for (const auto& info : modelInfos())
        names.push_back(info.name);
    return names;
}

}  // namespace

TEST(ModelZoo, ListsTheEightArchitecturesInOrder) {
    EXPECT_EQ(allNames(), (std::vector<std::string>{"mlp", "mlp-deep", "lenet5", "cnn-vgg", "sep1d", "resnet18",
                                                    "resnet34", "kanalab-best"}));
    EXPECT_EQ(knownModelNames(), "mlp, mlp-deep, lenet5, cnn-vgg, sep1d, resnet18, resnet34, kanalab-best");
    for (const auto& info : modelInfos()) {
        EXPECT_FALSE(info.description.empty()) << info.name;
        EXPECT_EQ(info.description.find('\n'), std::string::npos) << info.name << ": one line";
        EXPECT_EQ(&findModelInfo(info.name), &findModelInfo(info.name));
        for (const auto& option : info.options)
            EXPECT_FALSE(option.help.empty()) << info.name << " option " << option.name;
    }
}

// The counts below are computed by hand from the layer shapes (see each comment); the study
// figures (mlp, lenet5, cnn-vgg) come from the issue and the published models.
TEST(ModelZoo, ParameterCountsOnKmnist) {
    const std::map<std::string, std::int64_t> expected = {
        // 784*100+100 + 100*100+100 + 100*10+10
        {"mlp", 89'610},
        // 784*512+512 + 512*256+256 + 256*128+128 + 128*10+10
        {"mlp-deep", 567'434},
        // conv 1*6*25+6, conv 6*16*25+16, fc 400*120+120, 120*84+84, 84*10+10
        {"lenet5", 61'706},
        // convs 640 + 73,856 + 147,584 + 295,168, dense 256*3*3*10+10
        {"cnn-vgg", 540'298},
        // k=5, width 32, bias-free convs: (1*32*5 + 32*32*5 + BN 64) + (32*64*5 + 64*64*5 + BN 128)
        //   + (64*128*5 + 128*128*5 + BN 256) + dense 128*3*3*10+10
        {"sep1d", 170'858},
        // CIFAR-style ResNet-18 (11,173,962 for 3 input channels) with a 1-channel stem: -2*9*64
        {"resnet18", 11'172'810},
        // CIFAR-style ResNet-34 (21,282,122 for 3 input channels) with a 1-channel stem
        {"resnet34", 21'280'970},
        // 3x3 bias-free convs + BN: (9*32+64) + (9*32*32+64) + (9*32*64+128) + (9*64*64+128)
        //   + (9*64*128+256) + (9*128*128+256) + dense 128*3*3*10+10
        {"kanalab-best", 298'410},
    };
    ASSERT_EQ(expected.size(), modelInfos().size()) << "a new model needs its hand-computed count here";
    for (const auto& info : modelInfos()) {
        const ModelDescription description = describeModel(info.name, kmnistSpec());
        EXPECT_EQ(description.parameters, expected.at(info.name)) << info.name;
        Classifier model = createModel(info.name, kmnistSpec());
        EXPECT_EQ(countParameters(*model), expected.at(info.name)) << info.name;
    }
}

TEST(ModelZoo, OptionsChangeTheCountsAsComputed) {
    ModelSpec spec = kmnistSpec();
    // k=4 grows each map by one pixel (padding 2): 28->29->14, 14->15->7, 7->8->4.
    spec.options = {{"kernel", "4"}};
    EXPECT_EQ(describeModel("sep1d", spec).parameters,
              (1 * 32 * 4 + 32 * 32 * 4 + 64) + (32 * 64 * 4 + 64 * 64 * 4 + 128) +
                  (64 * 128 * 4 + 128 * 128 * 4 + 256) + (128 * 4 * 4 * 10 + 10));
    spec.options = {{"kernel", "6"}};  // 28->29->14, 15->7, 8->4 as for k=4
    EXPECT_EQ(describeModel("sep1d", spec).parameters,
              (1 * 32 * 6 + 32 * 32 * 6 + 64) + (32 * 64 * 6 + 64 * 64 * 6 + 128) +
                  (64 * 128 * 6 + 128 * 128 * 6 + 256) + (128 * 4 * 4 * 10 + 10));
    spec.options = {{"hidden", "50"}};
    EXPECT_EQ(describeModel("mlp", spec).parameters, 784 * 50 + 50 + 50 * 50 + 50 + 50 * 10 + 10);
    spec.options = {{"width", "16"}};
    EXPECT_EQ(describeModel("kanalab-best", spec).parameters, (9 * 16 + 32) + (9 * 16 * 16 + 32) + (9 * 16 * 32 + 64) +
                                                                  (9 * 32 * 32 + 64) + (9 * 32 * 64 + 128) +
                                                                  (9 * 64 * 64 + 128) + (64 * 3 * 3 * 10 + 10));
    // The global-pooling head: no sixth convolution, a dense layer on 64 averages.
    spec.options = {{"width", "16"}, {"head", "gap"}};
    EXPECT_EQ(describeModel("kanalab-best", spec).parameters, (9 * 16 + 32) + (9 * 16 * 16 + 32) + (9 * 16 * 32 + 64) +
                                                                  (9 * 32 * 32 + 64) + (9 * 32 * 64 + 128) +
                                                                  (64 * 10 + 10));
    // Options that change no weights leave the count alone.
    spec.options = {{"pool", "avg"}, {"activation", "elu"}, {"init", "xavier"}};
    EXPECT_EQ(describeModel("lenet5", spec).parameters, 61'706);
    spec.options = {{"dropout", "0.3"}};
    EXPECT_EQ(describeModel("cnn-vgg", spec).parameters, 540'298);
    // The colour study's modified LeNet on 3x32x32, 50 classes: 3x3 convolutions 6, 16, 32, each
    // with pooling (32 -> 16, 14 -> 7, 7 -> 3), then 288 -> 120 -> 84 -> 50.
    ModelSpec colour = spec;
    colour.channels = 3;
    colour.height = colour.width = 32;
    colour.numClasses = 50;
    colour.options = {{"variant", "modified"}};
    EXPECT_EQ(describeModel("lenet5", colour).parameters, (27 * 6 + 6) + (54 * 16 + 16) + (144 * 32 + 32) +
                                                              (288 * 120 + 120) + (120 * 84 + 84) + (84 * 50 + 50));
    EXPECT_EQ(describeModel("lenet5", kmnistSpec()).parameters, 61'706) << "classic stays the default";
}

TEST(ModelZoo, OutputShapeForKmnistBatches) {
    const at::Tensor input = kmnistBatch(4);
    ASSERT_EQ(input.sizes(), (at::IntArrayRef{4, 1, 28, 28}));
    for (const auto& name : allNames()) {
        torch::manual_seed(1);
        Classifier model = createModel(name, kmnistSpec());
        model->train();
        const at::Tensor trainOut = model->forward(input);
        EXPECT_EQ(trainOut.sizes(), (at::IntArrayRef{4, 10})) << name;
        EXPECT_TRUE(torch::isfinite(trainOut).all().item<bool>()) << name;
        model->eval();
        torch::NoGradGuard noGrad;
        const at::Tensor evalOut = model->forward(input.narrow(0, 0, 1));
        EXPECT_EQ(evalOut.sizes(), (at::IntArrayRef{1, 10})) << name << " (batch of one in eval mode)";
    }
}

TEST(ModelZoo, OutputShapeForRgb32x32WithFiveClasses) {
    torch::manual_seed(2);
    const at::Tensor input = torch::rand({2, 3, 32, 32});
    for (const auto& name : allNames()) {
        Classifier model = createModel(name, rgbSpec());
        EXPECT_EQ(model->spec().channels, 3) << name;
        torch::NoGradGuard noGrad;
        model->eval();
        const at::Tensor out = model->forward(input);
        EXPECT_EQ(out.sizes(), (at::IntArrayRef{2, 5})) << name;
        EXPECT_TRUE(torch::isfinite(out).all().item<bool>()) << name;
        const ModelDescription description = describeModel(name, rgbSpec());
        ASSERT_FALSE(description.layers.empty()) << name;
        EXPECT_EQ(description.layers.back().outputShape, (std::vector<std::int64_t>{5})) << name;
    }
    // A model built for 1 channel refuses 3-channel input (LibTorch's error, not a crash).
    Classifier gray = createModel("lenet5", kmnistSpec());
    EXPECT_THROW(gray->forward(input), c10::Error);
}

// Each summary row's output shape is what its layer produces from the previous row's shape,
// the first from the input; the rows' parameters add up to the model's.
TEST(ModelZoo, LayerSummaryShapesChainAndParametersAddUp) {
    for (const ModelSpec& spec : {kmnistSpec(), rgbSpec()}) {
        for (const auto& name : allNames()) {
            SCOPED_TRACE(name + " on " + std::to_string(spec.channels) + "x" + std::to_string(spec.height));
            const ModelDescription description = describeModel(name, spec);
            Classifier model = createModel(name, spec);
            model->eval();
            torch::NoGradGuard noGrad;
            const auto names = model->layerNames();
            ASSERT_EQ(description.layers.size(), names.size());
            std::vector<std::int64_t> shape = {spec.channels, spec.height, spec.width};
            std::int64_t sum = 0;
            std::size_t i = 0;
            for (auto& layer : *model->layers()) {
                const LayerSummary& row = description.layers[i];
                EXPECT_EQ(row.name, names[i]);
                EXPECT_FALSE(row.type.empty());
                std::vector<std::int64_t> batched = {1};
                batched.insert(batched.end(), shape.begin(), shape.end());
                const at::Tensor out = layer.forward(torch::zeros(batched));
                EXPECT_EQ(withoutBatch(out), row.outputShape) << "layer " << row.name;
                shape = row.outputShape;
                sum += row.parameters;
                ++i;
            }
            EXPECT_EQ(shape, (std::vector<std::int64_t>{spec.numClasses}));
            EXPECT_EQ(sum, description.parameters);
            EXPECT_GT(description.parameters, 0);
        }
    }
}

TEST(ModelZoo, LenetSummaryReadsAsTheArchitecture) {
    const ModelDescription d = describeModel("lenet5", kmnistSpec());
    std::vector<std::string> names;
    for (const auto& row : d.layers)
        names.push_back(row.name);
    EXPECT_EQ(names, (std::vector<std::string>{"conv1", "act1", "pool1", "conv2", "act2", "pool2", "flatten", "fc1",
                                               "act3", "fc2", "act4", "out"}));
    EXPECT_EQ(d.layers[0].type, "Conv2d 1->6, 5x5, pad 2");
    EXPECT_EQ(d.layers[0].outputShape, (std::vector<std::int64_t>{6, 28, 28}));
    EXPECT_EQ(d.layers[0].parameters, 156);
    EXPECT_EQ(d.layers[2].outputShape, (std::vector<std::int64_t>{6, 14, 14}));
    EXPECT_EQ(d.layers[3].outputShape, (std::vector<std::int64_t>{16, 10, 10}));
    EXPECT_EQ(d.layers[5].outputShape, (std::vector<std::int64_t>{16, 5, 5}));
    EXPECT_EQ(d.layers[6].outputShape, (std::vector<std::int64_t>{400}));
    EXPECT_EQ(d.layers[7].type, "Linear 400->120");
    EXPECT_EQ(d.layers[7].parameters, 48'120);
    EXPECT_EQ(d.layers[11].outputShape, (std::vector<std::int64_t>{10}));
}

TEST(ModelOptions, UnknownOptionIsAnErrorNamingIt) {
    for (const auto& name : allNames()) {
        ModelSpec spec = kmnistSpec();
        spec.options = {{"colour", "blue"}};
        const std::string message = errorOf([&] { createModel(name, spec); });
        EXPECT_NE(message.find("'colour'"), std::string::npos) << name << ": " << message;
        EXPECT_NE(message.find(name), std::string::npos) << message;
        // The message lists what the model does take.
        for (const auto& option : findModelInfo(name).options)
            EXPECT_NE(message.find(option.name), std::string::npos) << message;
        EXPECT_EQ(errorOf([&] { describeModel(name, spec); }), message);
    }
}

TEST(ModelOptions, BadValuesAreErrorsNamingTheOptionAndValue) {
    struct Case {
        std::string model, option, value;
    };
    const std::vector<Case> cases = {
        {"lenet5", "pool", "median"},       {"lenet5", "activation", "gelu"}, {"lenet5", "init", "zeros"},
        {"sep1d", "kernel", "7"},           {"sep1d", "kernel", "five"},      {"sep1d", "width", "4"},
        {"mlp", "hidden", "abc"},           {"mlp", "hidden", "0"},           {"mlp", "hidden", "12x"},
        {"mlp-deep", "dropout", "1.5"},     {"cnn-vgg", "dropout", "-0.1"},   {"cnn-vgg", "dropout", ""},
        {"resnet18", "width", "1000"},      {"resnet34", "width", "8.5"},     {"kanalab-best", "width", "-32"},
        {"kanalab-best", "dropout", "nan"},
    };
    for (const auto& c : cases) {
        ModelSpec spec = kmnistSpec();
        spec.options = {{c.option, c.value}};
        const std::string message = errorOf([&] { createModel(c.model, spec); });
        EXPECT_NE(message.find(c.model), std::string::npos) << message;
        EXPECT_NE(message.find("option " + c.option), std::string::npos)
            << c.model << " " << c.option << "=" << c.value << ": " << message;
        EXPECT_NE(message.find("'" + c.value + "'"), std::string::npos) << message;
    }
    // The choices are spelled out for options that have them.
    ModelSpec spec = kmnistSpec();
    spec.options = {{"pool", "median"}};
    EXPECT_NE(errorOf([&] { createModel("lenet5", spec); }).find("max, avg"), std::string::npos);
}

TEST(ModelOptions, ImpossibleInputShapesAreErrors) {
    ModelSpec spec = kmnistSpec();
    spec.numClasses = 1;
    EXPECT_NE(errorOf([&] { createModel("lenet5", spec); }).find("2 classes"), std::string::npos);
    spec = kmnistSpec();
    spec.height = 4;
    EXPECT_NE(errorOf([&] { createModel("mlp", spec); }).find("8x8"), std::string::npos);
    spec = kmnistSpec();
    spec.channels = 0;
    EXPECT_THROW(describeModel("cnn-vgg", spec), Error);
}

TEST(ModelRegistry, UnknownNameListsTheKnownOnes) {
    for (const auto& f : std::vector<std::function<void()>>{
             [] { createModel("lenet6"); }, [] { findModelInfo("lenet6"); }, [] { describeModel("lenet6"); }}) {
        const std::string message = errorOf(f);
        EXPECT_NE(message.find("'lenet6'"), std::string::npos) << message;
        for (const auto& name : allNames())
            EXPECT_NE(message.find(name), std::string::npos) << name << " missing from: " << message;
    }
    EXPECT_THROW(createModel(""), Error);
    EXPECT_THROW(createModel("LeNet5"), Error) << "names are case-sensitive checkpoint keys";
}

// Checkpoint keys: renaming a layer would make every shipped .pt file unloadable.
TEST(CheckpointKeys, Lenet5ParameterNamesAndShapesAreStable) {
    Classifier model = createModel("lenet5", kmnistSpec());
    std::vector<std::pair<std::string, std::vector<std::int64_t>>> actual;
    for (const auto& item : model->named_parameters())
        actual.emplace_back(item.key(), withoutBatch(item.value().unsqueeze(0)));
    const std::vector<std::pair<std::string, std::vector<std::int64_t>>> expected = {
        {"layers.conv1.weight", {6, 1, 5, 5}},  {"layers.conv1.bias", {6}},
        {"layers.conv2.weight", {16, 6, 5, 5}}, {"layers.conv2.bias", {16}},
        {"layers.fc1.weight", {120, 400}},      {"layers.fc1.bias", {120}},
        {"layers.fc2.weight", {84, 120}},       {"layers.fc2.bias", {84}},
        {"layers.out.weight", {10, 84}},        {"layers.out.bias", {10}},
    };
    EXPECT_EQ(actual, expected);
    EXPECT_TRUE(model->named_buffers().is_empty());
}

TEST(CheckpointKeys, OtherArchitecturesKeepTheirNames) {
    auto keys = [](const std::string& name) {
        Classifier model = createModel(name, kmnistSpec());
        std::vector<std::string> out;
        for (const auto& item : model->named_parameters())
            out.push_back(item.key());
        for (const auto& item : model->named_buffers())
            out.push_back(item.key());
        return out;
    };
    auto has = [](const std::vector<std::string>& list, const std::string& key) {
        return std::find(list.begin(), list.end(), key) != list.end();
    };
    EXPECT_EQ(keys("mlp"), (std::vector<std::string>{"layers.fc1.weight", "layers.fc1.bias", "layers.fc2.weight",
                                                     "layers.fc2.bias", "layers.out.weight", "layers.out.bias"}));
    const auto deep = keys("mlp-deep");
    for (const char* key : {"layers.fc1.weight", "layers.fc3.bias", "layers.out.weight"})
        EXPECT_TRUE(has(deep, key)) << key;
    const auto vgg = keys("cnn-vgg");
    for (const char* key : {"layers.conv1.weight", "layers.conv4.bias", "layers.out.weight"})
        EXPECT_TRUE(has(vgg, key)) << key;
    const auto sep = keys("sep1d");
    for (const char* key :
         {"layers.conv1v.weight", "layers.conv1h.weight", "layers.bn3.running_var", "layers.out.bias"})
        EXPECT_TRUE(has(sep, key)) << key;
    const auto best = keys("kanalab-best");
    for (const char* key :
         {"layers.conv1.weight", "layers.conv5_bn.weight", "layers.conv5_bn.running_mean", "layers.conv6.weight",
          "layers.out.weight"})
        EXPECT_TRUE(has(best, key)) << key;
    const auto resnet = keys("resnet18");
    for (const char* key :
         {"layers.stem.weight", "layers.stem_bn.running_mean", "layers.stage1.block2.conv2.weight",
          "layers.stage2.block1.shortcut.0.weight", "layers.stage4.block2.bn2.bias", "layers.out.weight"})
        EXPECT_TRUE(has(resnet, key)) << key;
    EXPECT_TRUE(has(keys("resnet34"), "layers.stage3.block6.conv1.weight"));
}

TEST(ModelInit, SameSeedSameWeightsAndXavierOptionChangesThem) {
    auto firstWeights = [](const std::map<std::string, std::string>& options) {
        torch::manual_seed(11);
        ModelSpec spec = kmnistSpec();
        spec.options = options;
        Classifier model = createModel("lenet5", spec);
        return model->named_parameters()["layers.conv1.weight"].clone();
    };
    EXPECT_TRUE(torch::equal(firstWeights({}), firstWeights({})));
    EXPECT_FALSE(torch::equal(firstWeights({}), firstWeights({{"init", "xavier"}})));
    // Xavier uniform bound for conv1: sqrt(6 / (fan_in + fan_out)) = sqrt(6 / (25 + 150)).
    const double bound = std::sqrt(6.0 / (25.0 + 150.0));
    EXPECT_LE(firstWeights({{"init", "xavier"}}).abs().max().item<double>(), bound + 1e-6);
}

TEST(ModelForward, ObservedForwardReportsEveryLayerAndMatchesForward) {
    Classifier model = createModel("kanalab-best", kmnistSpec());
    model->eval();
    torch::NoGradGuard noGrad;
    const at::Tensor input = kmnistBatch(2);
    std::vector<std::string> seen;
    const at::Tensor observed =
        model->forwardObserved(input, [&](const std::string& name, const torch::Tensor&) { seen.push_back(name); });
    EXPECT_EQ(seen, model->layerNames());
    EXPECT_TRUE(torch::allclose(observed, model->forward(input)));
}

// ClassifierImpl::forward runs some layers through KanaLab's own kernels (models/fast_layers.h).
// They must compute exactly what LibTorch's layers compute, gradients included.
namespace {

at::Tensor poolReference(const at::Tensor& x, bool relu) {
    return torch::max_pool2d(relu ? torch::relu(x) : x, 2);
}

}  // namespace

TEST(FastLayers, MaxPoolMatchesLibTorchValuesAndGradients) {
    torch::manual_seed(5);
    for (bool channelsLast : {false, true})
        for (bool relu : {false, true})
            for (auto shape : std::vector<std::vector<std::int64_t>>{{3, 6, 28, 28}, {2, 16, 10, 10}, {2, 20, 7, 9}, {1, 1, 5, 4}}) {
                // Few distinct values: many ties, which decide where the gradient goes.
                at::Tensor base = torch::randint(-3, 4, shape).to(torch::kFloat);
                if (channelsLast)
                    base = base.contiguous(at::MemoryFormat::ChannelsLast);
                const at::Tensor upstream = torch::randn({shape[0], shape[1], shape[2] / 2, shape[3] / 2});
                at::Tensor a = base.clone().requires_grad_(true), b = base.clone().requires_grad_(true);
                const at::Tensor ours = models::maxPool2x2(a, relu);
                const at::Tensor theirs = poolReference(b, relu);
                ASSERT_TRUE(torch::equal(ours, theirs)) << "relu " << relu << " channels_last " << channelsLast;
                (ours * upstream).sum().backward();
                (theirs * upstream).sum().backward();
                EXPECT_TRUE(torch::equal(a.grad(), b.grad())) << "relu " << relu << " channels_last " << channelsLast
                                                               << " shape " << shape[1] << "x" << shape[2];
                EXPECT_EQ(ours.suggest_memory_format(), base.suggest_memory_format());
            }
}

TEST(FastLayers, MaxPoolPropagatesNaNLikeLibTorch) {
    at::Tensor x = torch::randn({1, 2, 4, 4});
    x[0][0][0][1] = std::nanf("");
    x[0][1][3][3] = std::nanf("");
    for (bool relu : {false, true}) {
        const at::Tensor ours = models::maxPool2x2(x, relu), theirs = poolReference(x, relu);
        EXPECT_TRUE(torch::allclose(ours, theirs, 0, 0, /*equal_nan=*/true)) << "relu " << relu;
    }
}

TEST(FastLayers, ModelsGiveTheSameLossAndGradientsWithAndWithoutThem) {
    for (const std::string name : {"lenet5", "cnn-vgg", "resnet18", "kanalab-best", "sep1d", "mlp"}) {
        auto run = [&](bool fast) {
            models::setFastLayers(fast);
            torch::manual_seed(3);
            Classifier model = createModel(name, kmnistSpec());
            model->train();
            torch::manual_seed(4);  // dropout masks
            const at::Tensor input = kmnistBatch(8);
            const at::Tensor target = torch::arange(8) % 10;
            const at::Tensor loss = torch::nn::functional::cross_entropy(model->forward(input), target);
            loss.backward();
            std::vector<at::Tensor> grads;
            for (const auto& p : model->parameters())
                grads.push_back(p.grad().clone());
            return std::make_pair(loss.item<double>(), grads);
        };
        const auto fast = run(true), plain = run(false);
        models::setFastLayers(true);
        EXPECT_NEAR(fast.first, plain.first, 1e-5 * std::abs(plain.first)) << name;
        ASSERT_EQ(fast.second.size(), plain.second.size());
        for (std::size_t i = 0; i < fast.second.size(); ++i)
            EXPECT_TRUE(torch::allclose(fast.second[i], plain.second[i], 1e-4, 1e-5)) << name << " parameter " << i;
    }
}

TEST(FastLayers, WinogradConvolutionMatchesLibTorchsWithinRounding) {
    if (!models::winogradAvailable())
        GTEST_SKIP() << "no oneDNN headers at build time or no AVX-512: LibTorch's convolution is used";
    torch::manual_seed(9);
    for (bool withBias : {true, false})
        for (bool inputGrad : {true, false}) {
            const at::Tensor x0 = torch::randn({5, 32, 9, 7});
            const at::Tensor w0 = torch::randn({48, 32, 3, 3}) * 0.1, b0 = torch::randn({48});
            const at::Tensor upstream = torch::randn({5, 48, 9, 7});
            auto run = [&](bool ours) {
                at::Tensor x = x0.clone().requires_grad_(inputGrad), w = w0.clone().requires_grad_(true);
                at::Tensor b = withBias ? b0.clone().requires_grad_(true) : at::Tensor();
                const at::Tensor y = ours ? models::winogradConv2d(x, w, b) : torch::conv2d(x, w, b, 1, 1);
                (y * upstream).sum().backward();
                return std::vector<at::Tensor>{y, inputGrad ? x.grad() : at::zeros({1}), w.grad(),
                                               withBias ? b.grad() : at::zeros({1})};
            };
            const auto ours = run(true), theirs = run(false);
            const char* names[] = {"output", "input gradient", "weight gradient", "bias gradient"};
            for (int i = 0; i < 4; ++i) {
                const double scale = theirs[i].abs().max().item<double>() + 1e-6;
                EXPECT_LT((ours[i] - theirs[i]).abs().max().item<double>() / scale, 1e-4)
                    << names[i] << " bias " << withBias << " input grad " << inputGrad;
            }
        }
}
