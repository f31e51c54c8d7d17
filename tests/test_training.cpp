// SPDX-License-Identifier: GPL-3.0-or-later
// runTraining end to end on the real KMNIST test file with the offline test-80-20 protocol
// (7,200 train, 800 validation, 2,000 test images): a short run's accuracy, determinism,
// resume equivalence, checkpoints (round trip, wrong architecture, damaged files), NaN
// detection, cancel and pause, the run directory's files, and the drop early-stopping rule.
// Everything trains with 1 LibTorch and 1 OpenBLAS thread (ctest runs tests side by side).
#include "common/error.h"
#include "data/catalogue.h"
#include "data/data_dirs.h"
#include "data/dataset_store.h"
#include "data/splits.h"
#include "eval/run_evaluation.h"
#include "models/classifier.h"
#include "predict/predictor.h"
#include "run/run_directory.h"
#include "support/temp_dir.h"
#include "support/test_data.h"
#include "train/checkpoint.h"
#include "train/flat_parameters.h"
#include "train/optimizer.h"
#include "train/trainer.h"
#include "train/weight_average.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <numeric>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace kanalab;

#define REQUIRE_KMNIST()                                               \
    do {                                                               \
        KANALAB_REQUIRE_SHARED("kmnist", "t10k-images-idx3-ubyte.gz"); \
        KANALAB_REQUIRE_SHARED("kmnist", "t10k-labels-idx1-ubyte.gz"); \
    } while (0)

namespace {

// The short real run's bar on the 2,000 held-out images; chance is 10%. Measured with this
// configuration (lenet5, Adam 2e-3, batch 32, 2 epochs, 1 thread): 88.30% with seed 7, and
// 86.85% to 88.75% with seeds 1 to 4.
constexpr double kShortRunMinTestAccuracy = 0.85;
constexpr std::int64_t kBatchesPerEpoch = 7200 / 32;

TrainConfig kmnistConfig(const std::string& runDir) {
    TrainConfig c;
    c.dataset = "kmnist";
    c.dataDir = test::sharedDataDir();
    c.protocol = SplitProtocol::Test8020;
    c.validationFraction = 0.1;
    c.model = "lenet5";
    c.epochs = 2;
    c.batchSize = 32;
    c.optimizer.name = "adam";
    c.optimizer.learningRate = 2e-3;
    c.seed = 7;
    c.threads = 1;
    c.blasThreads = 1;
    c.runDir = runDir;
    return c;
}

struct Recorded {
    TrainOutcome outcome;
    std::vector<TrainProgress> progress;
    std::vector<EpochResult> epochs;
    std::vector<std::string> log;
};

using ProgressHook = std::function<void(const TrainProgress&, TrainControl&)>;
using EpochHook = std::function<void(const EpochResult&, TrainControl&)>;

Recorded train(const TrainConfig& config, const std::string& resumeDir = "", ProgressHook onProgress = {},
               EpochHook onEpoch = {}, TrainControl* externalControl = nullptr) {
    Recorded r;
    TrainControl ownControl;
    TrainControl& control = externalControl ? *externalControl : ownControl;
    TrainCallbacks callbacks;
    callbacks.onProgress = [&](const TrainProgress& p) {
        r.progress.push_back(p);
        if (onProgress)
            onProgress(p, control);
    };
    callbacks.onEpoch = [&](const EpochResult& e) {
        r.epochs.push_back(e);
        if (onEpoch)
            onEpoch(e, control);
    };
    callbacks.onLog = [&](LogLevel, const std::string& text) { r.log.push_back(text); };
    r.outcome = runTraining(config, callbacks, control, resumeDir);
    return r;
}

std::string joinedLog(const Recorded& r) {
    std::string text;
    for (const auto& line : r.log)
        text += line + "\n";
    return text;
}

std::vector<std::string> readLines(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        if (!line.empty())
            lines.push_back(line);
    return lines;
}

std::vector<std::string> splitComma(const std::string& line) {
    std::vector<std::string> fields;
    std::stringstream stream(line);
    for (std::string field; std::getline(stream, field, ',');)
        fields.push_back(field);
    return fields;
}

// metrics.csv without the wall-clock column: what must repeat exactly.
std::vector<std::string> metricsWithoutTimes(const std::string& runDir) {
    std::vector<std::string> rows;
    const auto lines = readLines(joinPath(runDir, "metrics.csv"));
    for (std::size_t i = 1; i < lines.size(); ++i) {
        auto fields = splitComma(lines[i]);
        if (fields.size() >= 7)
            fields[6] = "-";
        std::string row;
        for (const auto& f : fields)
            row += f + ",";
        rows.push_back(row);
    }
    return rows;
}

std::string fileText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

void writeText(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

std::string errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no kanalab::Error thrown)";
}

// The shared data's test-80-20 plan, as the trainer builds it.
const DataPlan& kmnistPlan() {
    static const DataPlan plan = [] {
        DataPlanOptions options;
        options.protocol = SplitProtocol::Test8020;
        options.validationFraction = 0.1;
        options.seed = 7;
        return planData(locateDataset(findDataset("kmnist"), dataRoots(test::sharedDataDir()), false), options);
    }();
    return plan;
}

GrayImage sampleImage(const ImageSet& set, std::int64_t index) {
    GrayImage image;
    image.rows = set.rows;
    image.cols = set.cols;
    image.pixels.assign(set.image(index), set.image(index) + set.imageBytes());
    return image;
}

// One plain 2-epoch lenet5 run shared by the tests that only read its results.
struct BaseRun {
    test::TempDir parent;
    std::string dir;
    Recorded recorded;
    double seconds = 0;
};

const BaseRun& baseRun() {
    static BaseRun* run = [] {
        auto* r = new BaseRun;
        r->dir = joinPath(r->parent.path(), "base");
        const auto start = std::chrono::steady_clock::now();
        r->recorded = train(kmnistConfig(r->dir));
        r->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return r;
    }();
    return *run;
}

}  // namespace

TEST(ShortRun, Lenet5ReachesTheStatedAccuracyOnHeldOutImages) {
    REQUIRE_KMNIST();
    const BaseRun& run = baseRun();
    const TrainOutcome& o = run.recorded.outcome;
    ASSERT_EQ(o.status, TrainStatus::Completed) << o.message << "\n" << joinedLog(run.recorded);
    EXPECT_EQ(o.epochsDone, 2);
    EXPECT_EQ(o.runDir, run.dir);
    ASSERT_TRUE(o.hasTest);
    EXPECT_EQ(o.test.split, "test");
    EXPECT_EQ(o.test.count, 2000);
    EXPECT_GE(o.test.accuracy, kShortRunMinTestAccuracy)
        << "2 epochs of lenet5 on 7,200 images; took " << run.seconds << " s";
    EXPECT_GT(o.test.top3Accuracy, o.test.accuracy);
    EXPECT_GE(o.bestEpoch, 1);
    EXPECT_GT(o.bestValidationAccuracy, 0.8);
    std::cout << "[ measured ] lenet5 2 epochs: test accuracy " << 100 * o.test.accuracy << "%, validation "
              << 100 * o.bestValidationAccuracy << "%, " << run.seconds << " s\n";

    // Epoch callbacks: the second epoch learned more than the first.
    ASSERT_EQ(run.recorded.epochs.size(), 2u);
    const EpochResult& first = run.recorded.epochs[0];
    const EpochResult& second = run.recorded.epochs[1];
    EXPECT_EQ(first.epoch, 1);
    EXPECT_EQ(second.epoch, 2);
    EXPECT_LT(second.trainLoss, first.trainLoss);
    EXPECT_GT(second.trainAccuracy, first.trainAccuracy);
    EXPECT_TRUE(std::isfinite(first.validationLoss));
    EXPECT_GT(first.validationAccuracy, 0.5);
    EXPECT_DOUBLE_EQ(first.learningRate, 2e-3);
    EXPECT_GT(first.seconds, 0);

    // Progress reports: within the run, ordered, with the sizes of the test-80-20 split.
    ASSERT_FALSE(run.recorded.progress.empty());
    std::int64_t lastStep = 0;
    for (const auto& p : run.recorded.progress) {
        EXPECT_EQ(p.epochs, 2);
        EXPECT_EQ(p.batchesPerEpoch, kBatchesPerEpoch);
        EXPECT_GT(p.step, lastStep);
        lastStep = p.step;
        EXPECT_TRUE(std::isfinite(p.loss));
        EXPECT_GE(p.imagesPerSecond, 0);
    }
    EXPECT_EQ(run.recorded.progress.back().step, 2 * kBatchesPerEpoch);
    EXPECT_EQ(run.recorded.progress.back().batch, kBatchesPerEpoch);
}

TEST(RunDirectoryFiles, ExistAndParse) {
    REQUIRE_KMNIST();
    const BaseRun& run = baseRun();
    ASSERT_EQ(run.recorded.outcome.status, TrainStatus::Completed) << run.recorded.outcome.message;
    const std::string& dir = run.dir;
    for (const char* name : {"config.json", "metrics.csv", "progress.csv", "status.json", "eval.json", "confusion.csv",
                             "misclassified.csv", "checkpoints/best.pt", "checkpoints/last.pt"})
        EXPECT_TRUE(isRegularFile(joinPath(dir, name))) << name;
    EXPECT_FALSE(isRegularFile(joinPath(dir, "checkpoints/epoch-1.pt"))) << "only kept when asked";
    // Nothing half-written is left behind by the atomic writes.
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir))
        EXPECT_EQ(entry.path().string().find(".tmp"), std::string::npos) << entry.path();

    // metrics.csv: a header and one row per epoch.
    const auto metrics = readLines(joinPath(dir, "metrics.csv"));
    ASSERT_EQ(metrics.size(), 3u);
    EXPECT_EQ(metrics[0],
              "epoch,train_loss,train_accuracy,val_loss,val_accuracy,learning_rate,seconds,best,val_balanced_accuracy");
    const auto parsed = readMetrics(dir);
    ASSERT_EQ(parsed.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(parsed[i].epoch, static_cast<int>(i) + 1);
        EXPECT_NEAR(parsed[i].trainLoss, run.recorded.epochs[i].trainLoss, 1e-5 * run.recorded.epochs[i].trainLoss);
        EXPECT_NEAR(parsed[i].validationAccuracy, run.recorded.epochs[i].validationAccuracy, 1e-6);
        EXPECT_NEAR(parsed[i].validationBalancedAccuracy, run.recorded.epochs[i].validationBalancedAccuracy, 1e-6);
        EXPECT_GT(parsed[i].validationBalancedAccuracy, 0.5);
        EXPECT_EQ(parsed[i].best, run.recorded.epochs[i].best);
    }

    // progress.csv: one row per progress report.
    EXPECT_EQ(readProgress(dir).size(), run.recorded.progress.size());

    // confusion.csv: labelled with the kana, counts summing to the 2,000 test images.
    const auto confusion = readLines(joinPath(dir, "confusion.csv"));
    ASSERT_EQ(confusion.size(), 11u);
    EXPECT_EQ(splitComma(confusion[0])[1], "お o");
    EXPECT_EQ(splitComma(confusion[10])[0], "を wo");
    std::int64_t total = 0, diagonal = 0;
    for (int t = 1; t <= 10; ++t) {
        const auto fields = splitComma(confusion[static_cast<std::size_t>(t)]);
        ASSERT_EQ(fields.size(), 11u);
        std::int64_t rowSum = 0;
        for (int p = 1; p <= 10; ++p) {
            rowSum += std::stoll(fields[static_cast<std::size_t>(p)]);
            if (p == t)
                diagonal += std::stoll(fields[static_cast<std::size_t>(p)]);
        }
        EXPECT_EQ(rowSum, 200) << "test-80-20 keeps 200 test images per class";
        total += rowSum;
    }
    EXPECT_EQ(total, 2000);
    const TrainOutcome& o = run.recorded.outcome;
    EXPECT_NEAR(static_cast<double>(diagonal) / 2000.0, o.test.accuracy, 1e-12);

    // misclassified.csv: one row per mistake.
    const auto mistakes = readLines(joinPath(dir, "misclassified.csv"));
    EXPECT_EQ(static_cast<std::int64_t>(mistakes.size()) - 1, 2000 - diagonal);
    EXPECT_EQ(static_cast<std::int64_t>(o.test.misclassified.size()), 2000 - diagonal);

    // readEvaluation gives back what the run reported.
    const EvalReport back = readEvaluation(dir);
    EXPECT_EQ(back.count, 2000);
    EXPECT_DOUBLE_EQ(back.accuracy, o.test.accuracy);
    EXPECT_DOUBLE_EQ(back.balancedAccuracy, o.test.balancedAccuracy);
    // 200 test images per class: balanced accuracy is the accuracy.
    EXPECT_NEAR(o.test.balancedAccuracy, o.test.accuracy, 1e-12);
    EXPECT_EQ(back.confusion, o.test.confusion);
    EXPECT_NEAR(back.macro.f1, o.test.macro.f1, 1e-12);
    ASSERT_EQ(back.misclassified.size(), o.test.misclassified.size());
    EXPECT_EQ(back.misclassified.front().index, o.test.misclassified.front().index);
    EXPECT_NEAR(back.misclassified.front().confidence, o.test.misclassified.front().confidence, 1e-5);

    // readRun / listRuns / readRunConfig.
    const RunSummary summary = readRun(dir);
    EXPECT_EQ(summary.name, "base");
    EXPECT_EQ(summary.status, "completed");
    EXPECT_EQ(summary.epochsDone, 2);
    EXPECT_EQ(summary.bestEpoch, o.bestEpoch);
    EXPECT_NEAR(summary.bestValidationAccuracy, o.bestValidationAccuracy, 1e-6);
    EXPECT_DOUBLE_EQ(summary.testAccuracy, o.test.accuracy);
    EXPECT_DOUBLE_EQ(summary.testBalancedAccuracy, o.test.balancedAccuracy);
    EXPECT_NEAR(summary.secondsPerEpoch(), (parsed[0].seconds + parsed[1].seconds) / 2, 1e-6);
    EXPECT_TRUE(summary.hasBestCheckpoint);
    EXPECT_TRUE(summary.hasLastCheckpoint);
    EXPECT_FALSE(summary.createdAt.empty());
    EXPECT_EQ(summary.config.model, "lenet5");
    EXPECT_EQ(summary.config.protocol, SplitProtocol::Test8020);
    EXPECT_EQ(summary.config.seed, 7u);
    EXPECT_EQ(summary.config.threads, 1);
    const TrainConfig config = readRunConfig(dir);
    EXPECT_EQ(trainConfigToJson(config), trainConfigToJson(summary.config));
    EXPECT_EQ(config.optimizer.name, "adam");
    EXPECT_DOUBLE_EQ(config.optimizer.learningRate, 2e-3);

    const auto runs = listRuns(run.parent.path());
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0].path, dir);
    EXPECT_THROW(readRun(run.parent.path()), Error) << "a folder without config.json is not a run";
}

TEST(Imbalance, WeightsSamplerAndFeatureMapsOnTheModifiedLenet) {
    REQUIRE_KMNIST();
    test::TempDir dir;
    TrainConfig c = kmnistConfig(joinPath(dir.path(), "run"));
    c.epochs = 2;
    c.model = "lenet5";
    c.modelOptions = {{"variant", "modified"}, {"activation", "elu"}};
    c.loss.classWeights = "balanced";
    c.sampler = "balanced";
    c.earlyStop.monitor = "val-balanced-accuracy";
    c.featureMapsAt = {1, 2};
    c.featureMapImage = 3;
    const Recorded r = train(c);
    ASSERT_EQ(r.outcome.status, TrainStatus::Completed) << r.outcome.message;
    EXPECT_GT(r.outcome.test.balancedAccuracy, 0.7) << "the balanced options still learn";
    EXPECT_NE(joinedLog(r).find("class-balanced sampling"), std::string::npos) << joinedLog(r);
    for (int epoch : {1, 2}) {
        const std::string folder = joinPath(c.runDir, "feature-maps/epoch-" + std::to_string(epoch));
        for (const char* layer : {"input", "conv1", "act1", "pool1", "conv2", "conv3", "pool3"})
            EXPECT_TRUE(isRegularFile(joinPath(folder, std::string(layer) + ".png"))) << folder << " " << layer;
        EXPECT_FALSE(isRegularFile(joinPath(folder, "fc1.png"))) << "dense layers have no image";
    }
    EXPECT_NE(fileText(joinPath(c.runDir, "feature-maps/epoch-1/conv1.png")),
              fileText(joinPath(c.runDir, "feature-maps/epoch-2/conv1.png")))
        << "the maps change as the weights learn";
    // A setting the run cannot honour is an error naming it, before anything trains.
    TrainConfig bad = c;
    bad.featureMapsAt = {3};
    bad.runDir = joinPath(dir.path(), "bad");
    const Recorded failed = train(bad);
    EXPECT_EQ(failed.outcome.status, TrainStatus::Failed);
    EXPECT_NE(failed.outcome.message.find("feature maps"), std::string::npos) << failed.outcome.message;
}

TEST(Checkpoints, RoundTripGivesTheSamePredictions) {
    REQUIRE_KMNIST();
    const BaseRun& run = baseRun();
    const TrainOutcome& o = run.recorded.outcome;
    ASSERT_EQ(o.status, TrainStatus::Completed) << o.message;

    CheckpointMeta meta;
    Classifier model = loadModelFromCheckpoint(joinPath(run.dir, "checkpoints/best.pt"), &meta);
    EXPECT_EQ(meta.architecture, "lenet5");
    EXPECT_EQ(meta.dataset, "kmnist");
    EXPECT_EQ(meta.note, "best");
    EXPECT_EQ(meta.epoch, o.bestEpoch);
    ASSERT_EQ(meta.classes.size(), 10u);
    EXPECT_EQ(meta.classes[0].glyph, "お");
    ASSERT_EQ(meta.normalizationStd.size(), 1u);
    EXPECT_GT(meta.normalizationStd[0], 0.1f);
    EXPECT_EQ(meta.config.seed, 7u);
    EXPECT_FALSE(model->is_training()) << "loaded for inference";

    // Re-evaluating the loaded weights on the same split reproduces the run's test report.
    const RunEvaluation again = evaluateRun(run.dir, [] {
        RunEvaluationOptions options;
        options.writeFiles = false;
        return options;
    }());
    EXPECT_EQ(again.report.count, 2000);
    EXPECT_EQ(again.report.confusion, o.test.confusion);
    EXPECT_NEAR(again.report.loss, o.test.loss, 1e-6);

    // The predictor (torch-free interface) agrees with the report, mistake by mistake.
    Predictor predictor(run.dir);
    EXPECT_EQ(predictor.architecture(), "lenet5");
    const ImageSet& images = *kmnistPlan().testFile;
    const std::size_t checked = std::min<std::size_t>(20, o.test.misclassified.size());
    for (std::size_t i = 0; i < checked; ++i) {
        const Misclassified& m = o.test.misclassified[i];
        const PredictionResult result = predictor.predictPrepared(sampleImage(images, m.index));
        EXPECT_EQ(result.ranked[0].index, m.predicted) << "test image " << m.index;
        EXPECT_NEAR(result.ranked[0].probability, m.confidence, 1e-5);
        EXPECT_EQ(result.ranked[1].index, m.top[1]);
    }

    // last.pt (with optimizer state) holds the same model weights here: epoch 2 was the best or
    // not, the "model" entry of last.pt is the live model after epoch 2.
    CheckpointMeta lastMeta = readCheckpointMeta(joinPath(run.dir, "checkpoints/last.pt"));
    EXPECT_EQ(lastMeta.epoch, 2);
    EXPECT_EQ(lastMeta.note, "last");
    EXPECT_EQ(lastMeta.history.size(), 2u);
    EXPECT_EQ(lastMeta.optimizerSteps, 2 * kBatchesPerEpoch);
}

TEST(Checkpoints, SaveAndLoadAreExactForEveryArchitecture) {
    test::TempDir dir;
    torch::manual_seed(5);
    const at::Tensor input = torch::rand({3, 1, 28, 28});
    for (const auto& info : modelInfos()) {
        if (info.name == "resnet34")
            continue;  // 21 M parameters: the resnet18 case covers the same code
        SCOPED_TRACE(info.name);
        Classifier model = createModel(info.name);
        model->eval();
        // Non-default batch-norm statistics and weights, so a load that silently kept the
        // initial values would show.
        {
            torch::NoGradGuard noGrad;
            for (auto& p : model->parameters())
                p.add_(0.01);
            for (auto& b : model->buffers())
                if (b.is_floating_point())
                    b.add_(0.5);
        }
        CheckpointMeta meta;
        meta.architecture = info.name;
        meta.spec = model->spec();
        meta.dataset = "kmnist";
        meta.classes = findDataset("kmnist").classes;
        const std::string path = dir.file(info.name + ".pt");
        saveCheckpoint(path, {&model}, meta);
        Classifier loaded = loadModelFromCheckpoint(path);
        torch::NoGradGuard noGrad;
        EXPECT_TRUE(torch::equal(model->forward(input), loaded->forward(input)));
        EXPECT_EQ(loaded->architecture(), info.name);
    }
}

// With weight averaging, "model" must hold the averaged weights and statistics (what is
// evaluated and predicted with), and resuming must get back the live ones, the average and its
// warm-up count.
TEST(Checkpoints, WeightAverageSavesTheAverageAndResumesTheLiveWeights) {
    test::TempDir dir;
    torch::manual_seed(3);
    const at::Tensor input = torch::rand({4, 1, 28, 28});
    Classifier model = createModel("kanalab-best", [] {
        ModelSpec spec;
        spec.options = {{"width", "8"}};
        return spec;
    }());
    FlatParameters params(*model);
    WeightAverage average(params, *model, 0.9);
    model->train();
    for (int step = 0; step < 5; ++step) {
        torch::NoGradGuard noGrad;
        params.values().add_(torch::randn_like(params.values()) * 0.1);
        model->forward(input);  // moves the batch-norm statistics
        average.update();
    }
    model->eval();
    const at::Tensor live = params.values().clone();
    at::Tensor averagedOutput, liveOutput;
    {
        torch::NoGradGuard noGrad;
        liveOutput = model->forward(input);
        AveragedWeightsScope scope(&average);
        averagedOutput = model->forward(input);
    }
    ASSERT_FALSE(torch::allclose(averagedOutput, liveOutput)) << "the test needs the two to differ";

    CheckpointMeta meta;
    meta.architecture = "kanalab-best";
    meta.spec = model->spec();
    meta.optimizerSteps = 5;
    const std::string path = dir.file("ema.pt");
    saveCheckpoint(path, {&model, &params, nullptr, &average}, meta);
    EXPECT_TRUE(torch::equal(params.values(), live)) << "saving leaves the live weights in place";

    Classifier loaded = loadModelFromCheckpoint(path);
    {
        torch::NoGradGuard noGrad;
        EXPECT_TRUE(torch::equal(loaded->forward(input), averagedOutput)) << "the saved model is the average";
    }

    Classifier resumed = createModel("kanalab-best", model->spec());
    FlatParameters resumedParams(*resumed);
    WeightAverage resumedAverage(resumedParams, *resumed, 0.9);
    loadCheckpointInto(path, {&resumed, &resumedParams, nullptr, &resumedAverage});
    EXPECT_TRUE(torch::equal(resumedParams.values(), live)) << "the live weights come back to the session";
    EXPECT_TRUE(torch::equal(resumedAverage.averagedValues(), average.averagedValues()));
    EXPECT_EQ(resumedAverage.updates(), 5);
    resumed->eval();
    torch::NoGradGuard noGrad;
    EXPECT_TRUE(torch::equal(resumed->forward(input), liveOutput)) << "live weights and statistics";
    AveragedWeightsScope scope(&resumedAverage);
    EXPECT_TRUE(torch::equal(resumed->forward(input), averagedOutput)) << "averaged weights and statistics";
}

TEST(Checkpoints, WrongArchitectureIsAClearErrorNamingBoth) {
    REQUIRE_KMNIST();
    const BaseRun& run = baseRun();
    ASSERT_EQ(run.recorded.outcome.status, TrainStatus::Completed) << run.recorded.outcome.message;
    const std::string lenetCheckpoint = joinPath(run.dir, "checkpoints/last.pt");

    Classifier mlp = createModel("mlp");
    FlatParameters params(*mlp);
    OptimizerConfig adam;
    auto optimizer = makeOptimizer(params, adam);
    const at::Tensor before = params.values().clone();
    const std::string message = errorOf([&] {
        loadCheckpointInto(lenetCheckpoint, {&mlp, &params, optimizer.get(), nullptr});
    });
    EXPECT_NE(message.find("lenet5"), std::string::npos) << message;
    EXPECT_NE(message.find("mlp"), std::string::npos) << message;
    EXPECT_NE(message.find(lenetCheckpoint), std::string::npos) << message;
    EXPECT_TRUE(torch::equal(params.values(), before)) << "a refused load changes nothing";

    // Same architecture, other options: refused too, saying why.
    ModelSpec avgSpec;
    avgSpec.options = {{"pool", "avg"}};
    Classifier avgLenet = createModel("lenet5", avgSpec);
    const std::string optionsMessage = errorOf([&] { loadCheckpointInto(lenetCheckpoint, {&avgLenet}); });
    EXPECT_NE(optionsMessage.find("options"), std::string::npos) << optionsMessage;

    // The right architecture loads, optimizer state included.
    Classifier lenet = createModel("lenet5");
    FlatParameters lenetParams(*lenet);
    auto lenetOptimizer = makeOptimizer(lenetParams, adam);
    const CheckpointMeta meta = loadCheckpointInto(lenetCheckpoint, {&lenet, &lenetParams, lenetOptimizer.get()});
    EXPECT_EQ(meta.epoch, 2);
    EXPECT_EQ(lenetOptimizer->steps(), 2 * kBatchesPerEpoch);
    EXPECT_GT(lenetOptimizer->state().at("exp_avg_sq").abs().sum().item<double>(), 0);
}

namespace {

// What loading a damaged file did: threw a kanalab::Error (message), threw something else
// (foreign), or loaded.
struct LoadAttempt {
    bool error = false;
    bool foreign = false;
    std::string message;
};

LoadAttempt tryLoading(const std::string& path) {
    LoadAttempt attempt;
    try {
        loadModelFromCheckpoint(path);
    } catch (const Error& e) {
        attempt.error = true;
        attempt.message = e.what();
    } catch (const std::exception& e) {
        attempt.foreign = true;
        attempt.message = e.what();
    }
    return attempt;
}

void expectClearError(const LoadAttempt& attempt, const std::string& path) {
    EXPECT_TRUE(attempt.error) << (attempt.foreign ? "not a kanalab::Error: " : "loaded: ")
                               << attempt.message.substr(0, 300);
    EXPECT_NE(attempt.message.find(path), std::string::npos) << "names the file: " << attempt.message.substr(0, 300);
    EXPECT_EQ(attempt.message.find('\n'), std::string::npos)
        << "one line, no backtrace: " << attempt.message.substr(0, 300);
}

}  // namespace

TEST(Checkpoints, DamagedFilesAreClearErrorsNotCrashes) {
    REQUIRE_KMNIST();
    const BaseRun& run = baseRun();
    ASSERT_EQ(run.recorded.outcome.status, TrainStatus::Completed) << run.recorded.outcome.message;
    const std::string good = fileText(joinPath(run.dir, "checkpoints/best.pt"));
    ASSERT_GT(good.size(), 1000u);
    test::TempDir dir;

    // The metadata is stored verbatim (LibTorch archives are uncompressed zips): damage it in place.
    const std::size_t json = good.find("{\"architecture\":\"lenet5\"");
    ASSERT_NE(json, std::string::npos);
    std::string brokenJson = good;
    brokenJson[json] = '(';
    std::string unknownModel = good;
    unknownModel.replace(json + std::string("{\"architecture\":\"lenet").size(), 1, "9");

    const std::vector<std::pair<std::string, std::string>> damaged = {
        {"empty", ""},
        {"garbage", std::string(5000, 'x')},
        {"text", "this is not a checkpoint\n"},
        {"truncated half", good.substr(0, good.size() / 2)},
        {"truncated end", good.substr(0, good.size() - 10)},
        {"zip header only", good.substr(0, 64)},
        {"broken metadata", brokenJson},
    };
    for (const auto& [name, bytes] : damaged) {
        SCOPED_TRACE(name);
        const std::string path = dir.file(name + ".pt");
        writeText(path, bytes);
        expectClearError(tryLoading(path), path);
        EXPECT_THROW(readCheckpointMeta(path), Error);
        EXPECT_THROW(Predictor{path}, Error);
        Classifier lenet = createModel("lenet5");
        EXPECT_THROW(loadCheckpointInto(path, {&lenet}), Error);
    }
    {
        const std::string path = dir.file("unknown-model.pt");
        writeText(path, unknownModel);
        const LoadAttempt attempt = tryLoading(path);
        expectClearError(attempt, path);
        EXPECT_NE(attempt.message.find("'lenet9'"), std::string::npos) << attempt.message;
    }

    // Damage inside the tensor payloads: LibTorch's zip reader does not check CRCs, so such a file
    // may load with wrong weights. It must not crash or throw anything but a kanalab::Error.
    std::string zeroed = good;
    std::fill(zeroed.begin() + static_cast<std::ptrdiff_t>(good.size() / 3),
              zeroed.begin() + static_cast<std::ptrdiff_t>(good.size() / 3 + 4096), '\0');
    std::string flipped = good;
    for (std::size_t i = good.size() / 2; i < good.size() / 2 + 64; ++i)
        flipped[i] = static_cast<char>(~flipped[i]);
    for (const auto& [name, bytes] :
         std::vector<std::pair<std::string, std::string>>{{"zeroed", zeroed}, {"flipped", flipped}}) {
        const std::string path = dir.file(name + ".pt");
        writeText(path, bytes);
        const LoadAttempt attempt = tryLoading(path);
        EXPECT_FALSE(attempt.foreign) << name << ": " << attempt.message.substr(0, 300);
    }

    // A valid LibTorch archive that is not ours, a missing file and a folder.
    const std::string foreign = dir.file("foreign.pt");
    {
        torch::serialize::OutputArchive archive;
        archive.write("weights", torch::ones({3}));
        archive.save_to(foreign);
    }
    EXPECT_NE(errorOf([&] { loadModelFromCheckpoint(foreign); }).find("not a KanaLab checkpoint"), std::string::npos);
    EXPECT_NE(errorOf([&] { loadModelFromCheckpoint(dir.file("missing.pt")); }).find("no such"), std::string::npos);
    EXPECT_NE(errorOf([&] { loadModelFromCheckpoint(dir.path()); }).find("folder"), std::string::npos);
}

TEST(Determinism, SameSeedAndThreadsGiveIdenticalMetrics) {
    REQUIRE_KMNIST();
    test::TempDir parent;
    // Every random source at work: shuffling, dropout (mlp-deep), augmentation (affine, elastic,
    // erasing), mixup, plus weight averaging, label smoothing and a one-cycle schedule.
    auto config = [&](const std::string& name) {
        TrainConfig c = kmnistConfig(joinPath(parent.path(), name));
        c.epochs = 1;
        c.model = "mlp-deep";  // dropout
        c.augment.rotationDegrees = 10;
        c.augment.translate = 0.1;
        c.augment.elasticAlpha = 2;
        c.augment.eraseProbability = 0.3;
        c.augment.mixupAlpha = 0.2;
        c.emaDecay = 0.99;
        c.loss.labelSmoothing = 0.1;
        c.schedule.name = "one-cycle";
        return c;
    };
    const Recorded a = train(config("a"));
    const Recorded b = train(config("b"));
    ASSERT_EQ(a.outcome.status, TrainStatus::Completed) << a.outcome.message;
    ASSERT_EQ(b.outcome.status, TrainStatus::Completed) << b.outcome.message;
    const auto rowsA = metricsWithoutTimes(joinPath(parent.path(), "a"));
    ASSERT_EQ(rowsA.size(), 1u);
    EXPECT_EQ(rowsA, metricsWithoutTimes(joinPath(parent.path(), "b")));
    EXPECT_EQ(a.outcome.test.confusion, b.outcome.test.confusion);
    EXPECT_EQ(a.outcome.test.loss, b.outcome.test.loss);
    EXPECT_FALSE(a.progress.empty());

    // Another seed gives another run (the comparison above can fail).
    TrainConfig other = config("c");
    other.seed = 8;
    const Recorded c = train(other);
    ASSERT_EQ(c.outcome.status, TrainStatus::Completed) << c.outcome.message;
    EXPECT_NE(rowsA, metricsWithoutTimes(joinPath(parent.path(), "c")));
}

TEST(Resume, OneEpochThenResumeToTwoEqualsTwoStraight) {
    REQUIRE_KMNIST();
    const BaseRun& base = baseRun();
    ASSERT_EQ(base.recorded.outcome.status, TrainStatus::Completed) << base.recorded.outcome.message;
    test::TempDir parent;
    const std::string dir = joinPath(parent.path(), "resumed");
    TrainConfig first = kmnistConfig(dir);
    first.epochs = 1;
    const Recorded one = train(first);
    ASSERT_EQ(one.outcome.status, TrainStatus::Completed) << one.outcome.message;
    ASSERT_EQ(readMetrics(dir).size(), 1u);

    // Resuming reads the run's own config.json; only `epochs` is taken from the request.
    TrainConfig request = kmnistConfig("ignored");
    request.epochs = 2;
    request.seed = 12345;
    request.model = "mlp";
    const Recorded two = train(request, dir);
    ASSERT_EQ(two.outcome.status, TrainStatus::Completed) << two.outcome.message << "\n" << joinedLog(two);
    EXPECT_EQ(two.outcome.runDir, dir);
    EXPECT_EQ(two.outcome.epochsDone, 2);
    ASSERT_EQ(two.epochs.size(), 1u) << "only epoch 2 ran";
    EXPECT_EQ(two.epochs[0].epoch, 2);
    EXPECT_NE(joinedLog(two).find("resumed"), std::string::npos);
    EXPECT_EQ(readRunConfig(dir).epochs, 2);
    EXPECT_EQ(readRunConfig(dir).seed, 7u);

    EXPECT_EQ(metricsWithoutTimes(dir), metricsWithoutTimes(base.dir));
    EXPECT_EQ(two.outcome.test.confusion, base.recorded.outcome.test.confusion);
    EXPECT_EQ(two.outcome.test.loss, base.recorded.outcome.test.loss);
    EXPECT_EQ(readCheckpointMeta(joinPath(dir, "checkpoints/last.pt")).optimizerSteps, 2 * kBatchesPerEpoch);
}

// Stopped by the user after epoch 1 of a planned 2, then resumed: the schedule, augmentation,
// mixup, dropout, batch-norm statistics and the weight average must all continue as if never
// interrupted.
TEST(Resume, CancelledRunResumesExactlyWithEveryRandomSource) {
    REQUIRE_KMNIST();
    test::TempDir parent;
    auto config = [&](const std::string& name) {
        TrainConfig c = kmnistConfig(joinPath(parent.path(), name));
        c.epochs = 2;
        c.model = "sep1d";  // batch norm (running statistics to resume) and dropout
        c.modelOptions = {{"width", "8"}};
        c.augment.rotationDegrees = 10;
        c.augment.translate = 0.1;
        c.augment.eraseProbability = 0.3;
        c.augment.mixupAlpha = 0.2;
        c.emaDecay = 0.99;
        c.schedule.name = "one-cycle";
        c.optimizer.name = "sgd";
        c.optimizer.momentum = 0.9;
        c.optimizer.nesterov = true;
        c.optimizer.learningRate = 0.05;
        c.gradientClipNorm = 5;
        c.saveEveryEpoch = true;
        return c;
    };
    const Recorded straight = train(config("straight"));
    ASSERT_EQ(straight.outcome.status, TrainStatus::Completed) << straight.outcome.message;
    EXPECT_TRUE(isRegularFile(joinPath(parent.path(), "straight/checkpoints/epoch-1.pt")));
    EXPECT_TRUE(isRegularFile(joinPath(parent.path(), "straight/checkpoints/epoch-2.pt")));

    const std::string dir = joinPath(parent.path(), "interrupted");
    const Recorded stopped =
        train(config("interrupted"), "", {}, [](const EpochResult&, TrainControl& control) { control.cancel = true; });
    ASSERT_EQ(stopped.outcome.status, TrainStatus::Cancelled) << stopped.outcome.message;
    EXPECT_EQ(stopped.outcome.epochsDone, 1);
    EXPECT_NE(stopped.outcome.message.find("epoch 1"), std::string::npos) << stopped.outcome.message;
    EXPECT_EQ(readRun(dir).status, "cancelled");
    EXPECT_EQ(readCheckpointMeta(joinPath(dir, "checkpoints/last.pt")).epoch, 1);

    const Recorded resumed = train(config("ignored"), dir);
    ASSERT_EQ(resumed.outcome.status, TrainStatus::Completed) << resumed.outcome.message;
    EXPECT_EQ(metricsWithoutTimes(dir), metricsWithoutTimes(joinPath(parent.path(), "straight")));
    EXPECT_EQ(resumed.outcome.test.confusion, straight.outcome.test.confusion);
    EXPECT_EQ(resumed.outcome.test.loss, straight.outcome.test.loss);
    EXPECT_EQ(readRun(dir).status, "completed");
    // The kept checkpoint evaluates to the report the run gave (weight averaging included).
    RunEvaluationOptions options;
    options.writeFiles = false;
    EXPECT_EQ(evaluateRun(dir, options).report.confusion, resumed.outcome.test.confusion);
}

TEST(Failures, HugeLearningRateEndsAsFailedSuggestingALowerOne) {
    REQUIRE_KMNIST();
    test::TempDir parent;
    TrainConfig c = kmnistConfig(joinPath(parent.path(), "nan"));
    c.model = "mlp";
    c.optimizer.name = "sgd";
    c.optimizer.learningRate = 100;
    c.optimizer.momentum = 0.9;
    const Recorded r = train(c);
    ASSERT_EQ(r.outcome.status, TrainStatus::Failed) << "epochs done: " << r.outcome.epochsDone;
    const std::string& message = r.outcome.message;
    EXPECT_TRUE(message.find("NaN") != std::string::npos || message.find("infinite") != std::string::npos) << message;
    EXPECT_NE(message.find("learning rate"), std::string::npos) << message;
    EXPECT_NE(message.find("lower"), std::string::npos) << message;
    EXPECT_EQ(r.outcome.epochsDone, 0);
    EXPECT_EQ(readRun(c.runDir).status, "failed");
    EXPECT_EQ(readRun(c.runDir).message, message);
    EXPECT_FALSE(isRegularFile(joinPath(c.runDir, "checkpoints/last.pt"))) << "no checkpoint of broken weights";

    // A learning rate beyond the accepted range fails before training, naming the setting.
    c.optimizer.learningRate = 1e6;
    c.runDir = joinPath(parent.path(), "too-high");
    const Recorded refused = train(c);
    ASSERT_EQ(refused.outcome.status, TrainStatus::Failed);
    EXPECT_NE(refused.outcome.message.find("learning rate"), std::string::npos) << refused.outcome.message;
}

TEST(Failures, MissingDataAndBadSettingsAreMessagesNotExceptions) {
    test::TempDir empty;
    TrainConfig c = kmnistConfig(empty.file("run"));
    c.dataDir = empty.path();
    const Recorded noData = train(c);
    EXPECT_EQ(noData.outcome.status, TrainStatus::Failed);
    EXPECT_NE(noData.outcome.message.find("download"), std::string::npos) << noData.outcome.message;

    TrainConfig bad = kmnistConfig(empty.file("bad"));
    bad.epochs = -3;
    const Recorded refused = train(bad);
    EXPECT_EQ(refused.outcome.status, TrainStatus::Failed);
    EXPECT_NE(refused.outcome.message.find("epochs"), std::string::npos) << refused.outcome.message;
}

TEST(Control, CancelStopsWithinOneBatch) {
    REQUIRE_KMNIST();
    test::TempDir parent;
    TrainConfig c = kmnistConfig(joinPath(parent.path(), "cancel"));
    c.logEveryBatches = 1;
    int reportsAfterCancel = -1;
    const Recorded r = train(c, "", [&](const TrainProgress& p, TrainControl& control) {
        if (reportsAfterCancel >= 0)
            ++reportsAfterCancel;
        if (p.step == 5) {
            control.cancel = true;
            reportsAfterCancel = 0;
        }
    });
    ASSERT_EQ(r.outcome.status, TrainStatus::Cancelled) << r.outcome.message;
    EXPECT_LE(reportsAfterCancel, 1) << "at most one more batch after the cancel";
    ASSERT_FALSE(r.progress.empty());
    EXPECT_LE(r.progress.back().step, 6);
    EXPECT_TRUE(r.epochs.empty());
    EXPECT_EQ(r.outcome.epochsDone, 0);
    EXPECT_NE(r.outcome.message.find("nothing was saved"), std::string::npos) << r.outcome.message;
    EXPECT_FALSE(isRegularFile(joinPath(c.runDir, "checkpoints/last.pt")));
    EXPECT_EQ(readRun(c.runDir).status, "cancelled");
}

TEST(Control, PauseBlocksProgressUntilCleared) {
    REQUIRE_KMNIST();
    test::TempDir parent;
    TrainConfig c = kmnistConfig(joinPath(parent.path(), "pause"));
    c.model = "mlp";
    c.logEveryBatches = 1;
    TrainControl control;
    std::atomic<std::int64_t> reports{0};
    std::atomic<bool> pausedOnce{false};
    std::atomic<bool> finished{false};  // never leave the watcher waiting if the run ends early
    std::int64_t seenDuringPause1 = -1, seenDuringPause2 = -1;
    std::thread watcher([&] {
        while (!pausedOnce.load() && !finished.load())
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        seenDuringPause1 = reports.load();
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        seenDuringPause2 = reports.load();
        control.pause = false;
    });
    const auto start = std::chrono::steady_clock::now();
    const Recorded r = train(
        c, "",
        [&](const TrainProgress& p, TrainControl& ctl) {
            reports = static_cast<std::int64_t>(p.step);
            if (p.step == 3) {
                ctl.pause = true;
                pausedOnce = true;
            }
            if (p.step == 8)
                ctl.cancel = true;
        },
        {}, &control);
    finished = true;
    watcher.join();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(seenDuringPause1, 3) << "no batch ran while paused";
    EXPECT_EQ(seenDuringPause2, 3);
    ASSERT_EQ(r.outcome.status, TrainStatus::Cancelled) << r.outcome.message;
    EXPECT_EQ(r.progress.back().step, 8) << "training went on after the pause was cleared";
    EXPECT_GE(seconds, 0.6);
    EXPECT_NE(joinedLog(r).find("paused"), std::string::npos);
    // Paused time is not training time.
    EXPECT_LT(r.progress.back().elapsedSeconds, seconds - 0.5);

    // Cancel while paused ends the run at once.
    TrainControl control2;
    TrainConfig c2 = kmnistConfig(joinPath(parent.path(), "pause-cancel"));
    c2.model = "mlp";
    c2.logEveryBatches = 1;
    std::atomic<bool> finished2{false};
    std::thread canceller([&] {
        while (!control2.pause.load() && !finished2.load())
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        control2.cancel = true;
    });
    const Recorded r2 = train(
        c2, "",
        [&](const TrainProgress& p, TrainControl& ctl) {
            if (p.step == 2)
                ctl.pause = true;
        },
        {}, &control2);
    finished2 = true;
    canceller.join();
    EXPECT_EQ(r2.outcome.status, TrainStatus::Cancelled);
    EXPECT_EQ(r2.progress.back().step, 2);
}

// The drop rule end to end. Epoch 1 learns with SGD 0.1; the step schedule then multiplies the
// learning rate by 500 (clipped gradients keep the loss finite), which wrecks the weights: the
// validation accuracy falls, the run stops, and the epoch-1 weights are the ones tested.
TEST(EarlyStop, DropRuleStopsAtTheFallAndKeepsTheBestWeights) {
    REQUIRE_KMNIST();
    test::TempDir parent;
    TrainConfig c = kmnistConfig(joinPath(parent.path(), "drop"));
    c.model = "mlp";
    c.epochs = 5;
    c.optimizer.name = "sgd";
    c.optimizer.learningRate = 0.1;
    c.schedule.name = "step";
    c.schedule.stepEpochs = 1;
    c.schedule.gamma = 500;
    c.gradientClipNorm = 1.0;
    c.earlyStop.mode = "drop";
    c.earlyStop.minEpochs = 2;
    const Recorded r = train(c);
    ASSERT_EQ(r.outcome.status, TrainStatus::EarlyStopped) << r.outcome.message << "\n" << joinedLog(r);
    ASSERT_EQ(r.epochs.size(), 2u);
    EXPECT_LT(r.epochs[1].validationAccuracy, r.epochs[0].validationAccuracy);
    EXPECT_TRUE(r.epochs[0].best);
    EXPECT_FALSE(r.epochs[1].best);
    EXPECT_EQ(r.outcome.epochsDone, 2);
    EXPECT_EQ(r.outcome.bestEpoch, 1);
    EXPECT_DOUBLE_EQ(r.outcome.bestValidationAccuracy, r.epochs[0].validationAccuracy);
    EXPECT_NE(joinedLog(r).find("validation accuracy fell"), std::string::npos) << joinedLog(r);
    EXPECT_EQ(readRun(c.runDir).status, "early-stopped");
    // The test ran on the restored epoch-1 weights: best.pt evaluates to the same report.
    RunEvaluationOptions options;
    options.writeFiles = false;
    const RunEvaluation best = evaluateRun(c.runDir, options);
    EXPECT_EQ(best.report.confusion, r.outcome.test.confusion);
    EXPECT_GT(r.outcome.test.accuracy, 0.6);
}

// Ties continue: with a zero learning rate after epoch 1 nothing changes, so the validation
// accuracy repeats exactly and the drop rule lets the run complete.
TEST(EarlyStop, DropRuleContinuesOnTies) {
    REQUIRE_KMNIST();
    test::TempDir parent;
    TrainConfig c = kmnistConfig(joinPath(parent.path(), "ties"));
    c.model = "mlp";
    c.epochs = 3;
    c.optimizer.name = "sgd";
    c.optimizer.learningRate = 0.1;
    c.schedule.name = "step";
    c.schedule.stepEpochs = 1;
    c.schedule.gamma = 0;
    c.earlyStop.mode = "drop";
    c.earlyStop.minEpochs = 1;
    const Recorded r = train(c);
    ASSERT_EQ(r.outcome.status, TrainStatus::Completed) << r.outcome.message;
    ASSERT_EQ(r.epochs.size(), 3u);
    EXPECT_EQ(r.epochs[1].validationAccuracy, r.epochs[0].validationAccuracy);
    EXPECT_EQ(r.epochs[2].validationAccuracy, r.epochs[0].validationAccuracy);
    EXPECT_TRUE(r.epochs[0].best);
    EXPECT_FALSE(r.epochs[1].best);
    EXPECT_EQ(r.outcome.bestEpoch, 1);
}
