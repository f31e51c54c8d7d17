// SPDX-License-Identifier: GPL-3.0-or-later
// KanaLab's side of the benchmarks (bench/run.sh runs it next to bench/pytorch_bench.py).
// One measurement per process, printed as one `key=value` line on stdout.
//
//   kanalab-bench throughput --model lenet5 --batch 32 [--seconds 2] [--threads N] [--blas N]
//   kanalab-bench epoch --data-dir DIR [--model lenet5] [--batch 64] [--threads N] [--blas N]
//   kanalab-bench rss --data-dir DIR [--model cnn-vgg] [--batch 32] [--threads N] [--blas N]
//   kanalab-bench threads            (the automatic settings for dense and convolutional models)
//
// --threads 0 / --blas 0 (the default) mean KanaLab's automatic choice (common/threads.h).
#include "common/threads.h"
#include "models/classifier.h"
#include "train/flat_parameters.h"
#include "train/optimizer.h"
#include "train/train_step.h"
#include "train/trainer.h"

#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/torch.h>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

[[noreturn]] void usage(const std::string& problem) {
    std::cerr << "kanalab-bench: " << problem << "\n"
              << "usage: kanalab-bench throughput|epoch|rss|threads [--model M] [--batch B] [--seconds S]\n"
                 "       [--min-steps N] [--warmup N] [--threads N] [--blas N] [--data-dir DIR]\n";
    std::exit(2);
}

struct Options {
    std::string command;
    std::string model;
    int batch = 0;
    double seconds = 2.0;
    int minSteps = 3;
    int warmup = -1;  // -1: the command's default
    int threads = 0;
    int blas = 0;
    std::string dataDir;
};

Options parse(int argc, char** argv) {
    if (argc < 2)
        usage("no command");
    Options o;
    o.command = argv[1];
    for (int i = 2; i < argc; ++i) {
        const std::string flag = argv[i];
        if (i + 1 >= argc)
            usage(flag + " needs a value");
        const std::string value = argv[++i];
        if (flag == "--model")
            o.model = value;
        else if (flag == "--batch")
            o.batch = std::stoi(value);
        else if (flag == "--seconds")
            o.seconds = std::stod(value);
        else if (flag == "--min-steps")
            o.minSteps = std::stoi(value);
        else if (flag == "--warmup")
            o.warmup = std::stoi(value);
        else if (flag == "--threads")
            o.threads = std::stoi(value);
        else if (flag == "--blas")
            o.blas = std::stoi(value);
        else if (flag == "--data-dir")
            o.dataDir = value;
        else
            usage("unknown flag " + flag);
    }
    return o;
}

kanalab::Workload workloadOf(const std::string& model) {
    return kanalab::findModelInfo(model).convolutional ? kanalab::Workload::Convolutional : kanalab::Workload::Dense;
}

void printThreads(const kanalab::ThreadSettings& s) {
    std::cerr << "threads: libtorch=" << s.intraOpThreads << " openblas=" << s.blasThreads << "\n";
}

double peakRssMb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;  // KiB on Linux
}

// Everything a training run builds around the model, without a dataset: the objects
// Session::prepare() creates for the same config, and the same TrainStep.
struct StepRig {
    kanalab::Classifier model{nullptr};
    std::unique_ptr<kanalab::FlatParameters> params;
    std::unique_ptr<kanalab::Optimizer> optimizer;
    std::unique_ptr<kanalab::TrainStep> step;

    explicit StepRig(const std::string& name) {
        model = kanalab::createModel(name, {});
        model->train();
        params = std::make_unique<kanalab::FlatParameters>(*model);
        kanalab::OptimizerConfig adam;  // Adam, lr 1e-3, PyTorch's defaults
        optimizer = kanalab::makeOptimizer(*params, adam);
        step = std::make_unique<kanalab::TrainStep>(model, *params, *optimizer, kanalab::LossConfig{});
    }
};

int throughput(const Options& o) {
    if (o.model.empty() || o.batch <= 0)
        usage("throughput needs --model and --batch");
    const auto threads = kanalab::applyThreadSettings(kanalab::chooseThreadSettings(workloadOf(o.model), o.threads, o.blas, o.batch));
    printThreads(threads);
    torch::manual_seed(0);
    StepRig rig(o.model);
    // Random data of MNIST's shape, already normalised, made once: this case measures the
    // training step alone (the epoch case measures the data path).
    const auto x = torch::randn({o.batch, 1, 28, 28});
    const auto y = torch::randint(0, 10, {o.batch}, torch::kLong);
    const int warmup = o.warmup >= 0 ? o.warmup : 5;
    for (int i = 0; i < warmup; ++i)
        rig.step->run(x, y);
    // KANALAB_BENCH_TRACE=file.json: LibTorch's profiler over the timed steps (a Chrome trace;
    // the figures are then slower than usual).
    std::unique_ptr<torch::autograd::profiler::RecordProfile> trace;
    if (const char* path = std::getenv("KANALAB_BENCH_TRACE"))
        trace = std::make_unique<torch::autograd::profiler::RecordProfile>(std::string(path));
    std::int64_t steps = 0;
    const auto start = Clock::now();
    double elapsed = 0;
    while (elapsed < o.seconds || steps < o.minSteps) {
        rig.step->run(x, y);
        ++steps;
        elapsed = secondsSince(start);
    }
    trace.reset();
    std::printf("img_s=%.1f steps=%lld seconds=%.3f\n", static_cast<double>(steps) * o.batch / elapsed,
                static_cast<long long>(steps), elapsed);
    return 0;
}

// A one-epoch run of runTraining on Fashion-MNIST's 60k training images (no validation split),
// timed from the call until the epoch's callback: reading the IDX files, measuring the
// normalisation, building the model, the epoch with its batch conversion, the checkpoints.
// The test evaluation that a run does afterwards is skipped (cancelled) as it is not training.
int epochRun(const Options& o, bool reportRss) {
    if (o.dataDir.empty())
        usage(o.command + " needs --data-dir (a folder holding fashion-mnist/)");
    const std::string model = o.model.empty() ? (reportRss ? "cnn-vgg" : "lenet5") : o.model;
    const int batch = o.batch > 0 ? o.batch : (reportRss ? 32 : 64);
    const int warmup = o.warmup >= 0 ? o.warmup : (reportRss ? 0 : 5);

    kanalab::TrainConfig config;
    config.dataset = "fashion-mnist";
    config.dataDir = o.dataDir;
    config.protocol = kanalab::SplitProtocol::Official;
    config.validationFraction = 0.0;
    config.model = model;
    config.epochs = 1;
    config.batchSize = batch;
    config.threads = o.threads;
    config.blasThreads = o.blas;
    const auto runs = std::filesystem::temp_directory_path() /
                      ("kanalab-bench-run-" + std::to_string(::getpid()));
    config.runDir = runs.string();

    if (warmup > 0) {
        // Warm-up on a throwaway model of the same shapes: thread pools start, oneDNN compiles
        // its kernels for these shapes. The timed part then starts from a warm process.
        kanalab::applyThreadSettings(kanalab::chooseThreadSettings(workloadOf(model), o.threads, o.blas, batch));
        StepRig rig(model);
        const auto x = torch::randn({batch, 1, 28, 28});
        const auto y = torch::randint(0, 10, {batch}, torch::kLong);
        for (int i = 0; i < warmup; ++i)
            rig.step->run(x, y);
    }

    kanalab::TrainControl control;
    kanalab::TrainCallbacks callbacks;
    double seconds = 0;
    double accuracy = 0;
    std::int64_t images = 0;
    const auto start = Clock::now();
    callbacks.onDataReady = [&](std::int64_t train, std::int64_t, std::int64_t) { images = train; };
    callbacks.onEpoch = [&](const kanalab::EpochResult& result) {
        seconds = secondsSince(start);
        accuracy = result.trainAccuracy;
        control.cancel = true;  // skip the test evaluation
    };
    callbacks.onLog = [](kanalab::LogLevel, const std::string& text) {
        if (text.rfind("threads:", 0) == 0)
            std::cerr << text << "\n";
    };
    const auto outcome = kanalab::runTraining(config, callbacks, control);
    std::error_code ignored;
    std::filesystem::remove_all(runs, ignored);
    if (seconds == 0) {
        std::cerr << "kanalab-bench: the run ended without an epoch: " << outcome.message << "\n";
        return 1;
    }
    if (reportRss)
        std::printf("peak_rss_mb=%.1f seconds=%.3f images=%lld train_accuracy=%.4f\n", peakRssMb(), seconds,
                    static_cast<long long>(images), accuracy);
    else
        std::printf("seconds=%.3f images=%lld train_accuracy=%.4f peak_rss_mb=%.1f\n", seconds,
                    static_cast<long long>(images), accuracy, peakRssMb());
    return 0;
}

int threadsCommand() {
    using kanalab::Workload;
    const auto denseSmall = kanalab::chooseThreadSettings(Workload::Dense, 0, 0, 32);
    const auto denseLarge = kanalab::chooseThreadSettings(Workload::Dense, 0, 0, 256);
    const auto conv = kanalab::chooseThreadSettings(Workload::Convolutional);
    std::printf("cores=%d idle=%d dense-b32=\"%s\" dense-b256=\"%s\" convolutional=\"%s\"\n",
                kanalab::availableCores(), kanalab::idleCores(), kanalab::describeThreadSettings(denseSmall).c_str(),
                kanalab::describeThreadSettings(denseLarge).c_str(), kanalab::describeThreadSettings(conv).c_str());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const Options o = parse(argc, argv);
    try {
        if (o.command == "throughput")
            return throughput(o);
        if (o.command == "epoch")
            return epochRun(o, false);
        if (o.command == "rss")
            return epochRun(o, true);
        if (o.command == "threads")
            return threadsCommand();
    } catch (const std::exception& e) {
        std::cerr << "kanalab-bench: " << e.what() << "\n";
        return 1;
    }
    usage("unknown command " + o.command);
}
