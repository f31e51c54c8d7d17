// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/arguments.h"
#include "cli/commands.h"
#include "cli/model_options.h"
#include "cli/terminal.h"
#include "cli/train_options.h"

#include "common/error.h"
#include "common/format.h"
#include "data/data_dirs.h"
#include "data/import.h"
#include "models/model_spec.h"
#include "train/recipes.h"
#include "train/trainer.h"

#include <cmath>
#include <cstdio>
#include <iostream>

namespace kanalab::cli {
namespace {

std::string percent(double fraction) { return std::isfinite(fraction) ? formatFixed(100 * fraction, 2) + "%" : "--"; }
std::string number(double value, int decimals) { return std::isfinite(value) ? formatFixed(value, decimals) : "--"; }

// Builds the config: the recipe first (the model's default when none is named), then each flag.
TrainConfig configFromArguments(const Arguments& a) {
    TrainConfig c;
    if (!a.has("--model") && !a.has("--recipe"))
        throw UsageError("train needs --model NAME (one of " + knownModelNames() + ") or --recipe NAME");
    c.dataset = a.value("--dataset", "kmnist");
    // `--dataset PATH` (a folder or list file, not a name): imported on the fly, or its cache
    // reused when the files have not changed.
    if (c.dataset.find('/') != std::string::npos || isDirectory(c.dataset)) {
        std::cerr << "importing " << c.dataset << "...\n";
        const ImportResult imported = importDataset(c.dataset, downloadRoot(a.value("--data-dir")), ImportOptions{});
        std::cerr << (imported.reused ? "reusing the import of " : "imported ") << imported.meta.sourcePath << " as "
                  << imported.dataset->name << " (" << imported.meta.totalImages() << " images)\n";
        c.dataset = imported.dataset->name;
    }
    std::string model;
    const Recipe* found = nullptr;
    try {
        // An unknown dataset, model or recipe name is a bad flag value like any other: exit 2.
        findDataset(c.dataset, dataRoots(a.value("--data-dir")));
        model = a.value("--model", a.has("--recipe") ? findRecipe(a.value("--recipe")).model : "");
        findModelInfo(model);
        found = a.has("--recipe") ? &findRecipe(a.value("--recipe")) : &defaultRecipeFor(model);
    } catch (const Error& e) {
        throw UsageError(e.what());
    }
    const Recipe& recipe = *found;
    if (recipe.model != model)
        throw UsageError("recipe " + recipe.name + " is for " + recipe.model + ", not " + model);
    recipe.apply(c);

    c.dataDir = a.value("--data-dir");
    c.protocol = a.choice("--split-protocol", "official", {"official", "test-80-20"}) == "official"
                     ? SplitProtocol::Official
                     : SplitProtocol::Test8020;
    c.validationFraction = a.doubleValue("--val-split", c.validationFraction, 0.0, 0.5);
    if (a.has("--synthetic")) {
        // print | handwriting | all, optionally :N copies per character and font
        const std::string spec = a.value("--synthetic");
        const auto colon = spec.find(':');
        c.syntheticForms = spec.substr(0, colon);
        if (c.syntheticForms == "none")
            c.syntheticForms.clear();
        if (colon != std::string::npos)
            c.syntheticPerFont = Arguments({"--n", spec.substr(colon + 1)}, {"--n"}).intValue("--n", 20, 1, 1000);
    }
    if (a.has("--option"))
        for (const auto& [key, value] : parseModelOptions(a.value("--option")))
            c.modelOptions[key] = value;
    c.epochs = a.intValue("--epochs", c.epochs, 1, 10000);
    c.batchSize = a.intValue("--batch-size", c.batchSize, 1, 65536);
    if (a.has("--optimizer")) {
        const OptimizerConfig keep = c.optimizer;
        c.optimizer = OptimizerConfig{};
        c.optimizer.name = a.choice("--optimizer", "adam", {"sgd", "adam", "adamw", "adagrad", "adadelta", "rmsprop"});
        c.optimizer.learningRate = keep.learningRate;
    }
    c.optimizer.learningRate = a.doubleValue("--lr", c.optimizer.learningRate, 1e-7, 100.0);
    c.optimizer.weightDecay = a.doubleValue("--weight-decay", c.optimizer.weightDecay, 0.0, 1.0);
    c.optimizer.momentum = a.doubleValue("--momentum", c.optimizer.momentum, 0.0, 0.999);
    if (a.has("--nesterov"))
        c.optimizer.nesterov = true;
    if (a.has("--loss"))
        c.loss.name = a.choice("--loss", "cross-entropy", {"cross-entropy", "multi-margin"});
    c.loss.labelSmoothing = a.doubleValue("--label-smoothing", c.loss.labelSmoothing, 0.0, 0.5);
    if (a.has("--class-weights"))
        c.loss.classWeights = a.choice("--class-weights", "none", {"none", "balanced"});
    if (a.has("--sampler"))
        c.sampler = a.choice("--sampler", "shuffle", {"shuffle", "balanced"});
    if (a.has("--feature-maps-at")) {
        c.featureMapsAt.clear();
        const std::string list = a.value("--feature-maps-at");
        std::size_t start = 0;
        while (start <= list.size()) {
            const auto comma = std::min(list.find(',', start), list.size());
            const std::string item = list.substr(start, comma - start);
            c.featureMapsAt.push_back(
                Arguments({"--feature-maps-at", item}, {"--feature-maps-at"}).intValue("--feature-maps-at", 1, 1, 10000));
            start = comma + 1;
        }
    }
    c.featureMapImage = a.intValue("--feature-map-image", static_cast<int>(c.featureMapImage), 0, 100000000);
    if (a.has("--schedule"))
        applyScheduleSpec(a.value("--schedule"), c.schedule);
    if (a.has("--augment"))
        applyAugmentSpec(a.value("--augment"), c.dataset, c.augment);
    if (a.has("--early-stop"))
        applyEarlyStopSpec(a.value("--early-stop"), c.earlyStop);
    c.emaDecay = a.doubleValue("--ema", c.emaDecay, 0.0, 0.99999);
    c.gradientClipNorm = a.doubleValue("--clip", c.gradientClipNorm, 0.0, 1e6);
    c.testTimeAugmentation = a.intValue("--tta", c.testTimeAugmentation, 0, 8);
    c.seed = a.uint64Value("--seed", c.seed);
    c.threads = a.intValue("--threads", c.threads, 0, 256);
    c.blasThreads = a.intValue("--blas-threads", c.blasThreads, 0, 256);
    c.device = a.choice("--device", "cpu", {"cpu", "cuda"});
    c.runDir = a.value("--out");
    c.saveEveryEpoch = a.has("--save-every-epoch");
    c.logEveryBatches = a.intValue("--log-every", 0, 0, 1000000);
    try {
        validateTrainConfig(c);
    } catch (const Error& e) {
        throw UsageError(e.what());
    }
    return c;
}

class ProgressPrinter {
public:
    ProgressPrinter() : m_tty(stderrIsTerminal()) {}

    void progress(const TrainProgress& p) {
        if (!m_tty)
            return;
        const double fraction = p.batchesPerEpoch ? static_cast<double>(p.batch) / static_cast<double>(p.batchesPerEpoch) : 0;
        char line[256];
        std::snprintf(line, sizeof line, "\repoch %d/%d %s %lld/%lld loss %s acc %s %s img/s ETA %s \x1b[K", p.epoch,
                      p.epochs, progressBar(fraction, 24).c_str(), static_cast<long long>(p.batch),
                      static_cast<long long>(p.batchesPerEpoch), number(p.loss, 4).c_str(), percent(p.accuracy).c_str(),
                      formatCount(static_cast<std::int64_t>(p.imagesPerSecond)).c_str(),
                      formatDuration(p.etaSeconds).c_str());
        std::cerr << line << std::flush;
        m_dirty = true;
    }

    void epoch(const EpochResult& r, int epochs) {
        clear();
        std::cout << "epoch " << r.epoch << "/" << epochs << "  train loss " << number(r.trainLoss, 4) << " acc "
                  << percent(r.trainAccuracy) << "  val loss " << number(r.validationLoss, 4) << " acc "
                  << percent(r.validationAccuracy) << "  lr " << number(r.learningRate, 6) << "  "
                  << formatFixed(r.seconds, 1) << " s" << (r.best ? "  (best)" : "") << std::endl;
    }

    void log(LogLevel level, const std::string& text) {
        clear();
        std::cerr << (level == LogLevel::Warning ? "warning: " : level == LogLevel::Error ? "error: " : "")
                  << text << std::endl;
    }

    void clear() {
        if (m_dirty)
            std::cerr << "\r\x1b[K" << std::flush;
        m_dirty = false;
    }

private:
    bool m_tty;
    bool m_dirty = false;
};

}  // namespace

int runTrain(const std::vector<std::string>& args) {
    const Arguments a(args,
                      {"--dataset", "--model", "--recipe", "--option", "--epochs", "--batch-size", "--optimizer", "--lr",
                       "--weight-decay", "--momentum", "--loss", "--label-smoothing", "--schedule", "--val-split",
                       "--split-protocol", "--augment", "--early-stop", "--ema", "--clip", "--tta", "--seed",
                       "--threads", "--blas-threads", "--device", "--data-dir", "--out", "--resume", "--log-every",
                       "--synthetic", "--class-weights", "--sampler", "--feature-maps-at", "--feature-map-image"},
                      {"--nesterov", "--save-every-epoch"});
    a.expectPositionals(0, 0, "");
    TrainConfig config;
    std::string resume = a.value("--resume");
    if (resume.empty()) {
        config = configFromArguments(a);
    } else {
        config.epochs = a.intValue("--epochs", 0, 0, 10000);  // 0: as the run was configured
    }

    TrainControl control;
    InterruptGuard guard(control.cancel);
    ProgressPrinter printer;
    int epochs = config.epochs;
    TrainCallbacks callbacks;
    callbacks.onProgress = [&](const TrainProgress& p) {
        epochs = p.epochs;
        printer.progress(p);
    };
    callbacks.onEpoch = [&](const EpochResult& r) { printer.epoch(r, epochs); };
    callbacks.onLog = [&](LogLevel level, const std::string& text) { printer.log(level, text); };

    if (resume.empty())
        std::cout << "training " << config.model << " on " << config.dataset << " (" << protocolName(config.protocol)
                  << "), recipe " << config.recipe << ", " << config.epochs << " epochs" << std::endl;
    const TrainOutcome outcome = runTraining(config, callbacks, control, resume);
    printer.clear();

    if (!outcome.runDir.empty())
        std::cout << "run directory: " << outcome.runDir << "\n";
    switch (outcome.status) {
        case TrainStatus::Completed:
        case TrainStatus::EarlyStopped:
            std::cout << trainStatusName(outcome.status) << " after " << outcome.epochsDone << " epochs in "
                      << formatDuration(outcome.trainSeconds);
            if (outcome.bestEpoch > 0 && std::isfinite(outcome.bestValidationAccuracy))
                std::cout << "; best validation accuracy " << percent(outcome.bestValidationAccuracy) << " (epoch "
                          << outcome.bestEpoch << ")";
            std::cout << "\n";
            if (outcome.hasTest)
                std::cout << "test accuracy " << percent(outcome.test.accuracy) << ", balanced accuracy "
                          << percent(outcome.test.balancedAccuracy) << " on " << outcome.test.count << " images\n";
            return 0;
        case TrainStatus::Cancelled:
            std::cerr << "kanalab-cli: " << outcome.message << "\n";
            return 130;
        case TrainStatus::Failed:
            break;
    }
    std::cerr << "kanalab-cli: " << outcome.message << "\n";
    return 1;
}

}  // namespace kanalab::cli
