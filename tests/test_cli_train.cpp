// SPDX-License-Identifier: GPL-3.0-or-later
// The built kanalab-cli as a user runs it: train a 1-epoch mlp on the shared KMNIST test file
// (test-80-20), eval the run, predict a test sample saved as a PGM file, and refuse bad flags
// with exit code 2 and one line on stderr.
#include "data/catalogue.h"
#include "data/data_dirs.h"
#include "data/dataset_store.h"
#include "data/splits.h"
#include "predict/predictor.h"
#include "support/cli_process.h"
#include "support/temp_dir.h"
#include "support/test_data.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace kanalab;
using kanalab::test::CliRun;
using kanalab::test::runCli;

namespace {

long lineCount(const std::string& text) {
    return std::count(text.begin(), text.end(), '\n');
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// A binary PGM (P5), which OpenCV reads like any other image file.
void writePgm(const std::string& path, const ImageSet& set, std::int64_t index) {
    std::ofstream out(path, std::ios::binary);
    out << "P5\n" << set.cols << " " << set.rows << "\n255\n";
    out.write(reinterpret_cast<const char*>(set.image(index)), static_cast<std::streamsize>(set.imageBytes()));
}

GrayImage sampleImage(const ImageSet& set, std::int64_t index) {
    GrayImage image;
    image.rows = set.rows;
    image.cols = set.cols;
    image.pixels.assign(set.image(index), set.image(index) + set.imageBytes());
    return image;
}

const std::vector<std::string> kTrainArgs = {"--dataset",  "kmnist",   "--model", "mlp",       "--split-protocol",
                                             "test-80-20", "--epochs", "1",       "--threads", "1"};

std::vector<std::string> trainArgs(const std::string& out, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"train"};
    args.insert(args.end(), kTrainArgs.begin(), kTrainArgs.end());
    for (const std::string& a : {std::string("--data-dir"), test::sharedDataDir(), std::string("--out"), out})
        args.push_back(a);
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

}  // namespace

TEST(CliTrain, TrainEvalPredict) {
    KANALAB_REQUIRE_SHARED("kmnist", "t10k-images-idx3-ubyte.gz");
    KANALAB_REQUIRE_SHARED("kmnist", "t10k-labels-idx1-ubyte.gz");
    test::TempDir dir;
    const std::string runDir = dir.file("run");

    const CliRun train = runCli(trainArgs(runDir));
    ASSERT_EQ(train.exitCode, 0) << train.out << train.err;
    EXPECT_TRUE(contains(train.out, "test accuracy")) << train.out;
    EXPECT_TRUE(contains(train.out, "balanced accuracy")) << train.out;
    EXPECT_TRUE(contains(train.out, "epoch 1/1")) << train.out;
    EXPECT_TRUE(isRegularFile(joinPath(runDir, "checkpoints/best.pt")));

    const CliRun eval = runCli({"eval", runDir});
    ASSERT_EQ(eval.exitCode, 0) << eval.out << eval.err;
    EXPECT_TRUE(contains(eval.out, "confusion matrix")) << eval.out;
    EXPECT_TRUE(contains(eval.out, "お o")) << eval.out;
    EXPECT_TRUE(contains(eval.out, "を wo")) << eval.out;
    EXPECT_TRUE(contains(eval.out, "2000 images")) << eval.out;
    EXPECT_TRUE(contains(eval.out, "macro avg")) << eval.out;
    EXPECT_TRUE(contains(eval.out, "balanced accuracy")) << eval.out;

    // A test image the trained model gets right with a clear margin (so the file round trip
    // through OpenCV and the canvas preprocessing cannot tip it), saved as a PGM.
    DataPlanOptions options;
    options.protocol = SplitProtocol::Test8020;
    const DataPlan plan =
        planData(locateDataset(findDataset("kmnist"), dataRoots(test::sharedDataDir()), false), options);
    Predictor predictor(runDir);
    std::int64_t chosen = -1;
    for (std::int64_t index : plan.testIndices) {
        const int truth = static_cast<int>(plan.testFile->labels[static_cast<std::size_t>(index)]);
        if (truth != 4)  // な na
            continue;
        const PredictionResult prepared = predictor.predictPrepared(sampleImage(*plan.testFile, index));
        const PredictionResult viaFile = predictor.predictDrawing(sampleImage(*plan.testFile, index));
        if (prepared.ranked[0].index == truth && prepared.ranked[0].probability > 0.9 &&
            viaFile.ranked[0].index == truth && viaFile.ranked[0].probability > 0.9) {
            chosen = index;
            break;
        }
    }
    ASSERT_GE(chosen, 0) << "no な test image predicted with 90% confidence after 1 epoch";
    const std::string image = dir.file("sample.pgm");
    writePgm(image, *plan.testFile, chosen);

    const CliRun predict = runCli({"predict", runDir, image});
    ASSERT_EQ(predict.exitCode, 0) << predict.out << predict.err;
    EXPECT_TRUE(contains(predict.out, image + " な na")) << predict.out;
    const CliRun top3 = runCli({"predict", runDir, image, "--top", "3"});
    EXPECT_EQ(top3.exitCode, 0);
    EXPECT_EQ(std::count(top3.out.begin(), top3.out.end(), '.'), 3 + std::count(image.begin(), image.end(), '.'))
        << "three probabilities: " << top3.out;

    // One unreadable image among good ones: the good ones still get answers, the exit code says 1.
    const CliRun mixed = runCli({"predict", runDir, image, dir.file("missing.png")});
    EXPECT_EQ(mixed.exitCode, 1);
    EXPECT_TRUE(contains(mixed.out, "な na")) << mixed.out;
    EXPECT_EQ(lineCount(mixed.err), 1) << mixed.err;
}

TEST(CliTrain, BadFlagsExitTwoWithOneLine) {
    test::TempDir dir;
    const std::vector<std::vector<std::string>> extras = {
        {"--epochs", "-3"},          {"--optimizer", "foo"},     {"--lr", "abc"},         {"--batch-size", "0"},
        {"--split-protocol", "all"}, {"--schedule", "sawtooth"}, {"--no-such-flag", "1"}, {"--augment", "flip=1.5"},
        {"--augment", "mirror=0.5"}, {"--class-weights", "inverse"}, {"--sampler", "oversample"},
        {"--feature-maps-at", "0"},  {"--feature-maps-at", "1,x"},  {"--augment", "brightness=2"},
        {"--early-stop", "patience=3,monitor=balanced"},
    };
    for (const auto& extra : extras) {
        const CliRun run = runCli(trainArgs(dir.file("never"), extra));
        EXPECT_EQ(run.exitCode, 2) << extra[0] << " " << extra[1] << ": " << run.err;
        EXPECT_EQ(lineCount(run.err), 1) << extra[0] << " " << extra[1] << ": " << run.err;
        EXPECT_TRUE(contains(run.err, "kanalab-cli: ")) << run.err;
        EXPECT_TRUE(run.out.empty()) << run.out;
        EXPECT_FALSE(isDirectory(dir.file("never"))) << "nothing is created for a refused command";
    }
    const CliRun epochs = runCli(trainArgs(dir.file("never"), {"--epochs", "-3"}));
    EXPECT_TRUE(contains(epochs.err, "--epochs")) << epochs.err;
    const CliRun optimizer = runCli(trainArgs(dir.file("never"), {"--optimizer", "foo"}));
    EXPECT_TRUE(contains(optimizer.err, "foo")) << optimizer.err;
    EXPECT_TRUE(contains(optimizer.err, "adadelta")) << optimizer.err;
    const CliRun flip = runCli(trainArgs(dir.file("never"), {"--augment", "flip=1.5"}));
    EXPECT_TRUE(contains(flip.err, "flip expects a number from 0 to 1")) << flip.err;
    const CliRun mirror = runCli(trainArgs(dir.file("never"), {"--augment", "mirror=0.5"}));
    EXPECT_TRUE(contains(mirror.err, "flip")) << "lists what --augment takes: " << mirror.err;

    const CliRun weights = runCli(trainArgs(dir.file("never"), {"--class-weights", "inverse"}));
    EXPECT_TRUE(contains(weights.err, "balanced")) << "names what it takes: " << weights.err;
    const CliRun late = runCli(trainArgs(dir.file("never"), {"--feature-maps-at", "5"}));
    EXPECT_EQ(late.exitCode, 2) << late.err;
    EXPECT_TRUE(contains(late.err, "feature maps")) << "an epoch the run never reaches: " << late.err;

    const CliRun model = runCli({"train", "--dataset", "kmnist", "--model", "lenet6"});
    EXPECT_EQ(model.exitCode, 2) << model.err;
    EXPECT_EQ(lineCount(model.err), 1) << model.err;
    EXPECT_TRUE(contains(model.err, "lenet5")) << "lists the known models: " << model.err;

    // Not usage errors but failures: exit 1, still one line.
    const CliRun noRun = runCli({"eval", dir.file("no-such-run")});
    EXPECT_EQ(noRun.exitCode, 1) << noRun.err;
    EXPECT_EQ(lineCount(noRun.err), 1) << noRun.err;
}
