// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/trainer.h"

#include "common/error.h"
#include "common/format.h"
#include "common/random.h"
#include "common/threads.h"
#include "data/batch_source.h"
#include "data/byte_stream.h"
#include "data/synthetic_kana.h"
#include "eval/evaluator.h"
#include "models/classifier.h"
#include "run/run_directory.h"
#include "train/augment.h"
#include "train/checkpoint.h"
#include "train/early_stopping.h"
#include "train/feature_maps.h"
#include "train/flat_parameters.h"
#include "train/loss.h"
#include "train/optimizer.h"
#include "train/schedule.h"
#include "train/train_step.h"
#include "train/weight_average.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <random>
#include <thread>

namespace kanalab {

const char* trainStatusName(TrainStatus status) {
    switch (status) {
        case TrainStatus::Completed: return "completed";
        case TrainStatus::EarlyStopped: return "early-stopped";
        case TrainStatus::Cancelled: return "cancelled";
        case TrainStatus::Failed: return "failed";
    }
    return "unknown";
}

TrainConfig readRunConfig(const std::string& runDir) { return readRun(runDir).config; }

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// A failure the user caused or can fix, found inside the loop (NaN loss): ends the run as Failed.
class TrainingFailed : public Error {
public:
    using Error::Error;
};

std::string firstLine(const std::string& text) {
    const auto newline = text.find('\n');
    return newline == std::string::npos ? text : text.substr(0, newline);
}

// Mean and standard deviation of the training pixels in 0..1, per channel: the normalisation
// the model is trained with and that the predictor must apply too (stored in every checkpoint).
Normalization measureNormalization(const ImageSet& set, const std::vector<std::int64_t>& indices) {
    const std::size_t plane = static_cast<std::size_t>(set.rows) * set.cols;
    std::vector<float> means, stds;
    for (int c = 0; c < set.channels; ++c) {
        double sum = 0, sumSquares = 0;
        for (auto index : indices) {
            const std::uint8_t* p = set.image(index) + static_cast<std::size_t>(c) * plane;
            std::uint64_t s = 0, s2 = 0;
            for (std::size_t i = 0; i < plane; ++i) {
                s += p[i];
                s2 += static_cast<std::uint64_t>(p[i]) * p[i];
            }
            sum += static_cast<double>(s);
            sumSquares += static_cast<double>(s2);
        }
        const double n = static_cast<double>(plane) * static_cast<double>(std::max<std::size_t>(1, indices.size()));
        const double mean = sum / n / 255.0;
        const double variance = std::max(1e-8, sumSquares / n / (255.0 * 255.0) - mean * mean);
        means.push_back(static_cast<float>(mean));
        stds.push_back(static_cast<float>(std::sqrt(variance)));
    }
    return {means, stds};
}

class Session {
public:
    Session(TrainConfig config, const TrainCallbacks& callbacks, TrainControl& control, std::string resumeRunDir)
        : m_config(std::move(config)), m_callbacks(callbacks), m_control(control), m_resumeDir(std::move(resumeRunDir)) {}

    TrainOutcome run();

private:
    void log(LogLevel level, const std::string& text) {
        if (m_callbacks.onLog)
            m_callbacks.onLog(level, text);
    }
    void prepare();
    void addSyntheticForms();
    // Returns the epoch's mean training loss.
    double trainEpoch(int epoch);
    EpochResult finishEpoch(int epoch, double trainLoss, double trainAccuracy);
    at::Tensor classWeights() const;
    void saveFeatureMaps(int epochsDone);
    CheckpointMeta meta(int epochsDone) const;
    void saveLast(int epochsDone);
    void waitWhilePaused();
    void emitProgress(int epoch, std::int64_t batch, double lr, bool force);

    TrainConfig m_config;
    const TrainCallbacks& m_callbacks;
    TrainControl& m_control;
    std::string m_resumeDir;

    const DatasetInfo* m_info = nullptr;
    DataPlan m_plan;
    Normalization m_normalization;
    at::Device m_device = at::kCPU;
    std::unique_ptr<RunDirectory> m_run;
    Classifier m_model{nullptr};
    std::unique_ptr<FlatParameters> m_params;
    std::unique_ptr<Optimizer> m_optimizer;
    std::unique_ptr<TrainStep> m_trainStep;
    std::unique_ptr<WeightAverage> m_average;
    std::unique_ptr<Augmenter> m_augmenter;
    std::unique_ptr<BatchSource> m_source;
    std::unique_ptr<LearningRateSchedule> m_schedule;
    std::unique_ptr<EarlyStopping> m_earlyStopping;
    std::vector<EpochResult> m_history;
    int m_startEpoch = 0;  // epochs already done (resume)
    std::mt19937_64 m_mixupRandom;

    // progress bookkeeping
    Clock::time_point m_sessionStart;
    Clock::time_point m_lastReport;
    double m_pausedSeconds = 0;
    double m_lossSinceReport = 0;
    std::int64_t m_batchesSinceReport = 0;
    std::int64_t m_imagesSinceReport = 0;
    double m_reportSeconds = 0;  // un-paused time at the last report
    double m_smoothedRate = 0;
    std::int64_t m_epochCorrect = 0;
    std::int64_t m_epochSeen = 0;
    std::int64_t m_step = 0;
    std::int64_t m_imagesDone = 0;  // this session
};

void Session::prepare() {
    if (!m_resumeDir.empty()) {
        const int requestedEpochs = m_config.epochs;
        m_config = readRunConfig(m_resumeDir);
        m_config.runDir = m_resumeDir;
        m_config.epochs = std::max(m_config.epochs, requestedEpochs);
    }
    validateTrainConfig(m_config);
    m_info = &findDataset(m_config.dataset, dataRoots(m_config.dataDir));

    const ModelInfo& modelInfo = findModelInfo(m_config.model);
    const ThreadSettings threads = applyThreadSettings(chooseThreadSettings(
        modelInfo.convolutional ? Workload::Convolutional : Workload::Dense, m_config.threads, m_config.blasThreads,
        m_config.batchSize));
    log(LogLevel::Info, "threads: " + describeThreadSettings(threads));

    if (m_config.device == "cuda") {
        if (!torch::cuda::is_available())
            throw Error("CUDA was requested but this LibTorch has no CUDA support or no GPU is visible; use --device cpu");
        m_device = at::Device(at::kCUDA, 0);
    }

    const DatasetStatus status = locateDataset(*m_info, dataRoots(m_config.dataDir), false);
    DataPlanOptions planOptions;
    planOptions.protocol = m_config.protocol;
    planOptions.validationFraction = m_config.validationFraction;
    planOptions.seed = m_config.seed;
    m_plan = planData(status, planOptions);
    if (!m_config.syntheticForms.empty())
        addSyntheticForms();
    if (m_plan.trainIndices.empty())
        throw Error("the training split of " + m_info->name + " is empty");
    m_normalization = measureNormalization(*m_plan.trainFile, m_plan.trainIndices);
    log(LogLevel::Info, m_info->title + " (" + protocolName(m_config.protocol) + "): " +
                            std::to_string(m_plan.trainIndices.size()) + " train, " +
                            std::to_string(m_plan.validationIndices.size()) + " validation, " +
                            std::to_string(m_plan.testIndices.size()) + " test images");
    if (m_callbacks.onDataReady)
        m_callbacks.onDataReady(static_cast<std::int64_t>(m_plan.trainIndices.size()),
                                static_cast<std::int64_t>(m_plan.validationIndices.size()),
                                static_cast<std::int64_t>(m_plan.testIndices.size()));

    if (m_config.runDir.empty())
        m_config.runDir = RunDirectory::newRunPath(defaultRunsFolder(), m_config.dataset, m_config.model);
    m_run = std::make_unique<RunDirectory>(m_config.runDir);
    m_run->writeConfig(m_config);

    torch::manual_seed(m_config.seed);
    ModelSpec spec;
    spec.channels = m_plan.trainFile->channels;
    spec.height = m_plan.trainFile->rows;
    spec.width = m_plan.trainFile->cols;
    spec.numClasses = m_info->numClasses();
    spec.options = m_config.modelOptions;
    m_model = createModel(m_config.model, spec);
    m_model->to(m_device);
    m_params = std::make_unique<FlatParameters>(*m_model);
    m_optimizer = makeOptimizer(*m_params, m_config.optimizer);
    m_trainStep = std::make_unique<TrainStep>(m_model, *m_params, *m_optimizer, m_config.loss, m_config.gradientClipNorm,
                                              classWeights());
    if (m_config.emaDecay > 0)
        m_average = std::make_unique<WeightAverage>(*m_params, *m_model, m_config.emaDecay);
    if (m_config.augment.enabled())
        m_augmenter = std::make_unique<Augmenter>(m_config.augment, m_config.seed);
    // Without augmentation the batch source normalises directly (one pass over the pixels
    // instead of two); augmentation works on 0..1 images with a zero background first.
    const Normalization sourceNormalization = m_augmenter ? Normalization::unit() : m_normalization;
    m_source = std::make_unique<BatchSource>(m_plan.trainFile, m_plan.trainIndices, m_config.batchSize,
                                             sourceNormalization, /*shuffle=*/true, m_config.seed);
    if (m_config.sampler == "balanced") {
        m_source->setBalancedSampling(true);
        log(LogLevel::Info, "class-balanced sampling: every class drawn equally often");
    }
    m_schedule = std::make_unique<LearningRateSchedule>(m_config.schedule, m_config.optimizer.learningRate,
                                                        m_config.epochs);
    m_earlyStopping = std::make_unique<EarlyStopping>(m_config.earlyStop);

    if (!m_resumeDir.empty()) {
        const std::string last = m_run->lastCheckpoint();
        const CheckpointMeta restored =
            loadCheckpointInto(last, {&m_model, m_params.get(), m_optimizer.get(), m_average.get()});
        m_startEpoch = restored.epoch;
        m_history = restored.history;
        m_earlyStopping->restore(restored.earlyStop);
        m_run->resetMetrics(m_history);
        log(LogLevel::Info, "resumed " + m_config.runDir + " after epoch " + std::to_string(m_startEpoch));
    }
    m_step = m_startEpoch * m_source->batchesPerEpoch();
}

void Session::addSyntheticForms() {
    SyntheticOptions options;
    if (m_config.syntheticForms != "handwriting")
        options.fonts = installedPrintFonts();
    if (m_config.syntheticForms != "print")
        for (const auto& font : installedHandwritingFonts())
            options.fonts.push_back(font);
    options.perFontPerClass = m_config.syntheticPerFont;
    options.seed = mixSeed(m_config.seed, 0x73796e);
    const ImageSet extra = renderSyntheticSet(*m_info, options);
    // Appended after the dataset's images, so every existing index (validation, test) is unchanged.
    const bool shared = m_plan.testFile == m_plan.trainFile;
    const std::int64_t first = m_plan.trainFile->count();
    auto combined = std::make_shared<ImageSet>(appendImages(*m_plan.trainFile, extra));
    m_plan.trainFile = combined;
    if (shared)
        m_plan.testFile = combined;
    for (std::int64_t i = 0; i < extra.count(); ++i)
        m_plan.trainIndices.push_back(first + i);
    log(LogLevel::Info, "added " + std::to_string(extra.count()) + " synthetic " + m_config.syntheticForms +
                            " training images from " + std::to_string(options.fonts.size()) + " installed fonts");
}

CheckpointMeta Session::meta(int epochsDone) const {
    CheckpointMeta meta;
    meta.architecture = m_config.model;
    meta.spec = m_model->spec();
    meta.config = m_config;
    meta.dataset = m_info->name;
    meta.classes = m_info->classes;
    meta.normalizationMean = m_normalization.mean;
    meta.normalizationStd = m_normalization.std;
    meta.epoch = epochsDone;
    meta.history = m_history;
    meta.earlyStop = m_earlyStopping->state();
    meta.optimizerSteps = m_optimizer->steps();
    return meta;
}

void Session::saveLast(int epochsDone) {
    CheckpointMeta m = meta(epochsDone);
    m.note = "last";
    saveCheckpoint(m_run->lastCheckpoint(), {&m_model, m_params.get(), m_optimizer.get(), m_average.get()}, m);
}

void Session::waitWhilePaused() {
    if (!m_control.pause.load())
        return;
    const auto start = Clock::now();
    log(LogLevel::Info, "paused");
    while (m_control.pause.load() && !m_control.cancel.load())
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    m_pausedSeconds += secondsSince(start);
    if (!m_control.cancel.load())
        log(LogLevel::Info, "resumed");
}

void Session::emitProgress(int epoch, std::int64_t batch, double lr, bool force) {
    const double now = secondsSince(m_sessionStart) - m_pausedSeconds;
    const bool due = m_config.logEveryBatches > 0 ? (m_step % m_config.logEveryBatches == 0)
                                                  : (secondsSince(m_lastReport) >= 0.05);
    if (!(force || due) || m_batchesSinceReport == 0)
        return;
    const double interval = std::max(1e-9, now - m_reportSeconds);
    const double rate = static_cast<double>(m_imagesSinceReport) / interval;
    m_smoothedRate = m_smoothedRate > 0 ? 0.7 * m_smoothedRate + 0.3 * rate : rate;

    TrainProgress p;
    p.epoch = epoch + 1;
    p.epochs = m_config.epochs;
    p.batch = batch;
    p.batchesPerEpoch = m_source->batchesPerEpoch();
    p.step = m_step;
    p.loss = m_lossSinceReport / static_cast<double>(m_batchesSinceReport);
    p.accuracy = m_epochSeen ? static_cast<double>(m_epochCorrect) / static_cast<double>(m_epochSeen) : kNoValue;
    p.learningRate = lr;
    p.imagesPerSecond = m_smoothedRate;
    p.elapsedSeconds = now;
    // Remaining work in training images, validation counted at a third of a training image.
    const double perEpoch = static_cast<double>(m_source->size()) + m_plan.validationIndices.size() / 3.0;
    const double remaining = perEpoch * (m_config.epochs - epoch) -
                             static_cast<double>(batch * m_config.batchSize);
    const double overallRate = static_cast<double>(m_imagesDone) / std::max(1e-9, now);
    p.etaSeconds = overallRate > 0 ? std::max(0.0, remaining / overallRate) : kNoValue;

    m_run->appendProgress(p);
    if (m_callbacks.onProgress)
        m_callbacks.onProgress(p);
    m_lossSinceReport = 0;
    m_batchesSinceReport = 0;
    m_imagesSinceReport = 0;
    m_reportSeconds = now;
    m_lastReport = Clock::now();
}

double Session::trainEpoch(int epoch) {
    m_model->train();
    // Dropout and mixup's pairing draw from the global generator, augmentation and mixup's
    // mixing weights from their own: all are re-seeded per epoch so that a resumed run continues
    // exactly as an uninterrupted one would.
    torch::manual_seed(mixSeed(m_config.seed, 1000 + static_cast<std::uint64_t>(epoch)));
    if (m_augmenter)
        m_augmenter->reseed(mixSeed(m_config.seed, 2000 + static_cast<std::uint64_t>(epoch)));
    m_mixupRandom.seed(mixSeed(m_config.seed, 3000 + static_cast<std::uint64_t>(epoch)));
    m_source->startEpoch(epoch);
    m_epochCorrect = 0;
    m_epochSeen = 0;
    const std::int64_t batches = m_source->batchesPerEpoch();
    double lossSum = 0;

    Batch batch;
    std::int64_t index = 0;
    double lr = m_optimizer->learningRate();
    while (m_source->next(batch)) {
        if (m_control.cancel.load())
            throw Cancelled();
        waitWhilePaused();
        if (m_control.cancel.load())
            throw Cancelled();

        lr = m_schedule->at(epoch + static_cast<double>(index) / static_cast<double>(batches));
        m_optimizer->setLearningRate(lr);

        at::Tensor input = batch.images.to(m_device, /*non_blocking=*/true);
        at::Tensor target = batch.labels.to(m_device, /*non_blocking=*/true);
        if (m_augmenter) {
            input = m_augmenter->apply(input);
            normalizeInPlace(input, m_normalization);
        }

        double mixLambda = 1.0;
        at::Tensor mixTarget;
        if (m_config.augment.mixupAlpha > 0) {
            std::gamma_distribution<double> gamma(m_config.augment.mixupAlpha, 1.0);
            const double a = gamma(m_mixupRandom), b = gamma(m_mixupRandom);
            mixLambda = a / (a + b);
            const auto permutation = torch::randperm(input.size(0), torch::TensorOptions(torch::kLong).device(m_device));
            input = input * mixLambda + input.index_select(0, permutation) * (1.0 - mixLambda);
            mixTarget = target.index_select(0, permutation);
        }

        const TrainStep::Result step = m_trainStep->run(input, target, mixTarget, mixLambda);
        const double lossValue = step.loss;
        if (!step.finite)
            throw TrainingFailed("the training loss became " + std::string(std::isnan(lossValue) ? "NaN" : "infinite") +
                                 " at epoch " + std::to_string(epoch + 1) + ", batch " + std::to_string(index + 1) +
                                 ": the learning rate (" + formatFixed(lr, 6) +
                                 ") is probably too high; try a 10x lower one or enable gradient clipping");
        if (m_average)
            m_average->update();

        const std::int64_t n = static_cast<std::int64_t>(batch.indices.size());
        m_epochCorrect += step.correct;
        m_epochSeen += n;
        lossSum += lossValue;
        m_lossSinceReport += lossValue;
        ++m_batchesSinceReport;
        m_imagesSinceReport += n;
        m_imagesDone += n;
        ++m_step;
        ++index;
        emitProgress(epoch, index, lr, index == batches);
    }
    return index > 0 ? lossSum / static_cast<double>(index) : kNoValue;
}

EpochResult Session::finishEpoch(int epoch, double trainLoss, double trainAccuracy) {
    EpochResult result;
    result.epoch = epoch + 1;
    result.trainLoss = trainLoss;
    result.trainAccuracy = trainAccuracy;
    result.learningRate = m_optimizer->learningRate();
    if (!m_plan.validationIndices.empty()) {
        AveragedWeightsScope averaged(m_average.get());
        EvaluationOptions options;
        options.normalization = m_normalization;
        options.loss = m_config.loss;
        options.device = m_device;
        options.cancel = &m_control.cancel;
        const EvalReport validation = evaluateModel(m_model, *m_plan.trainFile, m_plan.validationIndices, options);
        result.validationLoss = validation.loss;
        result.validationAccuracy = validation.accuracy;
        result.validationBalancedAccuracy = validation.balancedAccuracy;
    }
    return result;
}

at::Tensor Session::classWeights() const {
    if (m_config.loss.classWeights != "balanced")
        return {};
    const std::vector<float> weights =
        balancedClassWeights(countClasses(*m_plan.trainFile, m_plan.trainIndices, m_info->numClasses()));
    return torch::tensor(weights, torch::kFloat);
}

void Session::saveFeatureMaps(int epochsDone) {
    const auto& wanted = m_config.featureMapsAt;
    if (std::find(wanted.begin(), wanted.end(), epochsDone) == wanted.end())
        return;
    const bool fromValidation = !m_plan.validationIndices.empty();
    const auto& indices = fromValidation ? m_plan.validationIndices : m_plan.testIndices;
    const ImageSet& images = fromValidation ? *m_plan.trainFile : *m_plan.testFile;
    if (indices.empty()) {
        log(LogLevel::Warning, "no validation or test image to draw feature maps of");
        return;
    }
    const auto position = static_cast<std::size_t>(
        std::min<std::int64_t>(m_config.featureMapImage, static_cast<std::int64_t>(indices.size()) - 1));
    AveragedWeightsScope averaged(m_average.get());
    const at::Tensor input = imagesToTensor(images, {indices[position]}, m_normalization).to(m_device);
    const std::string folder = m_run->file("feature-maps/epoch-" + std::to_string(epochsDone));
    const auto files = writeFeatureMaps(m_model, input, folder);
    log(LogLevel::Info, "feature maps of " + std::string(fromValidation ? "validation" : "test") + " image " +
                            std::to_string(position) + " after epoch " + std::to_string(epochsDone) + ": " +
                            std::to_string(files.size()) + " PNGs in " + folder);
}

TrainOutcome Session::run() {
    TrainOutcome outcome;
    m_sessionStart = m_lastReport = Clock::now();
    int epochsDone = 0;
    try {
        prepare();
        outcome.runDir = m_config.runDir;
        epochsDone = m_startEpoch;
        EarlyStopping::Decision decision;
        for (int epoch = m_startEpoch; epoch < m_config.epochs; ++epoch) {
            const auto epochStart = Clock::now();
            const double pausedBefore = m_pausedSeconds;
            const double trainLoss = trainEpoch(epoch);
            const double trainAccuracy =
                m_epochSeen ? static_cast<double>(m_epochCorrect) / static_cast<double>(m_epochSeen) : kNoValue;
            EpochResult result = finishEpoch(epoch, trainLoss, trainAccuracy);
            result.seconds = secondsSince(epochStart) - (m_pausedSeconds - pausedBefore);
            decision = m_earlyStopping->update(epoch + 1, result.validationAccuracy, result.validationLoss,
                                               result.validationBalancedAccuracy);
            result.best = decision.improved;
            m_history.push_back(result);
            epochsDone = epoch + 1;
            if (decision.improved) {
                CheckpointMeta m = meta(epochsDone);
                m.note = "best";
                saveCheckpoint(m_run->bestCheckpoint(), {&m_model, m_params.get(), nullptr, m_average.get()}, m);
            }
            saveLast(epochsDone);
            if (m_config.saveEveryEpoch)
                saveCheckpoint(m_run->epochCheckpoint(epochsDone), {&m_model, m_params.get(), nullptr, m_average.get()},
                               meta(epochsDone));
            saveFeatureMaps(epochsDone);
            m_run->appendMetrics(result);
            m_run->flush();
            if (m_callbacks.onEpoch)
                m_callbacks.onEpoch(result);
            if (decision.stop) {
                log(LogLevel::Info, "early stop: " + decision.reason);
                break;
            }
        }
        outcome.status = decision.stop ? TrainStatus::EarlyStopped : TrainStatus::Completed;
        outcome.epochsDone = epochsDone;
        outcome.bestEpoch = m_earlyStopping->bestEpoch();
        outcome.bestValidationAccuracy = m_earlyStopping->bestAccuracy() >= 0 ? m_earlyStopping->bestAccuracy() : kNoValue;
        outcome.trainSeconds = secondsSince(m_sessionStart) - m_pausedSeconds;

        if (m_config.earlyStop.restoreBest && outcome.bestEpoch > 0 && outcome.bestEpoch != epochsDone) {
            Classifier best = loadModelFromCheckpoint(m_run->bestCheckpoint());
            torch::NoGradGuard noGrad;
            if (m_average)
                m_average.reset();  // the best checkpoint already holds the averaged weights
            auto source = best->named_parameters();
            auto target = m_model->named_parameters();
            for (const auto& item : source)
                target[item.key()].copy_(item.value().to(m_device));
            auto sourceBuffers = best->named_buffers();
            auto targetBuffers = m_model->named_buffers();
            for (const auto& item : sourceBuffers)
                targetBuffers[item.key()].copy_(item.value().to(m_device));
            log(LogLevel::Info, "kept the weights of epoch " + std::to_string(outcome.bestEpoch) +
                                    " (best validation accuracy)");
        }
        if (!m_plan.testIndices.empty()) {
            AveragedWeightsScope averaged(m_average.get());
            EvaluationOptions options;
            options.normalization = m_normalization;
            options.loss = m_config.loss;
            options.device = m_device;
            options.ttaCopies = m_config.testTimeAugmentation;
            options.ttaMirror = mirrorsAtTestTime(m_config.augment);
            options.cancel = &m_control.cancel;
            outcome.test = evaluateModel(m_model, *m_plan.testFile, m_plan.testIndices, options);
            outcome.test.split = "test";
            outcome.hasTest = true;
            m_run->writeEvaluation(outcome.test, m_info->classes);
            log(LogLevel::Info, "test accuracy " + formatFixed(100 * outcome.test.accuracy, 2) + "% (balanced " +
                                    formatFixed(100 * outcome.test.balancedAccuracy, 2) + "%) on " +
                                    std::to_string(outcome.test.count) + " images");
        }
    } catch (const Cancelled&) {
        outcome.status = TrainStatus::Cancelled;
        outcome.epochsDone = epochsDone;
        outcome.message = epochsDone > m_startEpoch || m_startEpoch > 0
                              ? "stopped by the user; checkpoints/last.pt holds epoch " + std::to_string(epochsDone)
                              : "stopped by the user before the first epoch ended; nothing was saved";
    } catch (const std::bad_alloc&) {
        outcome.status = TrainStatus::Failed;
        outcome.message = "out of memory: try a smaller batch size or a smaller model";
    } catch (const c10::Error& e) {
        outcome.status = TrainStatus::Failed;
        outcome.message = "LibTorch reported an error: " + firstLine(e.what_without_backtrace());
    } catch (const std::exception& e) {
        outcome.status = TrainStatus::Failed;
        outcome.message = e.what();
    }
    outcome.epochsDone = std::max(outcome.epochsDone, epochsDone);
    if (outcome.trainSeconds == 0)
        outcome.trainSeconds = secondsSince(m_sessionStart) - m_pausedSeconds;
    if (m_run) {
        m_run->flush();
        try {
            m_run->writeStatus(outcome);
        } catch (const Error& e) {
            log(LogLevel::Warning, e.what());
        }
    }
    if (outcome.status == TrainStatus::Failed)
        log(LogLevel::Error, outcome.message);
    return outcome;
}

}  // namespace

TrainOutcome runTraining(const TrainConfig& config, const TrainCallbacks& callbacks, TrainControl& control,
                         const std::string& resumeRunDir) {
    Session session(config, callbacks, control, resumeRunDir);
    return session.run();
}

}  // namespace kanalab
