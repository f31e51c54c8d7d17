// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Everything that defines a training run, as plain data: the GUI fills it from its widgets, the
// CLI from flags, a run directory stores it as config.json, and a checkpoint embeds it. No torch.

#include "data/splits.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kanalab {

struct OptimizerConfig {
    std::string name = "adam";  // sgd, adam, adamw, adagrad, adadelta, rmsprop
    double learningRate = 1e-3;
    double weightDecay = 0.0;
    double momentum = 0.0;     // sgd, rmsprop
    bool nesterov = false;     // sgd
    double beta1 = 0.9;        // adam, adamw
    double beta2 = 0.999;      // adam, adamw
    double epsilon = -1.0;     // < 0: the optimizer's usual value (1e-8, adagrad 1e-10, adadelta 1e-6)
    double rho = 0.9;          // adadelta
    double alpha = 0.99;       // rmsprop smoothing
    double lrDecay = 0.0;      // adagrad
};

struct ScheduleConfig {
    std::string name = "constant";  // constant, step, cosine, one-cycle
    double warmupEpochs = 0.0;      // linear warm-up from 0 (any schedule)
    int stepEpochs = 10;            // step: multiply by gamma every stepEpochs
    double gamma = 0.1;
    double minLrFraction = 0.0;     // cosine: floor as a fraction of the peak
    double oneCyclePeakFraction = 0.25;  // one-cycle: share of the run spent rising
    double oneCycleDivFactor = 25.0;     // one-cycle: start = peak / div
    double oneCycleFinalDivFactor = 1e4; // one-cycle: end = start / final div
};

struct LossConfig {
    std::string name = "cross-entropy";  // cross-entropy, multi-margin
    double labelSmoothing = 0.0;
    double margin = 1.0;  // multi-margin
    // none; balanced: each class weighted by N / (K x its training images), so that every class
    // weighs the same in the loss however rare it is (cross-entropy only).
    std::string classWeights = "none";
};

struct EarlyStopConfig {
    // none; patience: stop after `patience` epochs without an improvement larger than minDelta;
    // drop: after minEpochs, stop as soon as validation accuracy falls (ties continue).
    std::string mode = "none";
    std::string monitor = "val-accuracy";  // val-accuracy, val-balanced-accuracy or val-loss (patience mode)
    int patience = 5;
    double minDelta = 0.0;
    int minEpochs = 0;
    bool restoreBest = true;  // at the end, load the best epoch's weights
};

struct AugmentConfig {
    double rotationDegrees = 0.0;  // uniform in [-r, r]
    double translate = 0.0;        // fraction of the size, uniform in [-t, t] per axis
    double scaleMin = 1.0;
    double scaleMax = 1.0;
    double shearDegrees = 0.0;
    double elasticAlpha = 0.0;  // displacement strength in pixels; 0 = off
    double elasticSigma = 4.0;  // smoothness of the displacement field in pixels
    double eraseProbability = 0.0;  // random erasing (one rectangle per image)
    // Mirror left-right with this probability: right for clothing, wrong for characters (a
    // mirrored つ is not a kana), so the handwriting default leaves it off.
    double flipProbability = 0.0;
    double mixupAlpha = 0.0;        // mixup between images of a batch; 0 = off
    // Colour jitter for photos, as torchvision's ColorJitter: each image's brightness, contrast
    // and (colour images) saturation multiplied by a factor drawn from [1 - x, 1 + x]; 0 = off.
    double brightness = 0.0;
    double contrast = 0.0;
    double saturation = 0.0;

    bool enabled() const;
    bool jitters() const;  // any colour jitter
};

struct TrainConfig {
    // data
    std::string dataset = "kmnist";
    std::string dataDir;  // empty: the usual search order
    SplitProtocol protocol = SplitProtocol::Official;
    double validationFraction = 0.1;
    // shuffle: every training image once per epoch; balanced: as many draws per epoch, each a
    // class chosen uniformly then one of its images, so rare classes are seen as often as common
    // ones (with repeats).
    std::string sampler = "shuffle";
    // Extra training images of modern hiragana rendered from installed fonts (see
    // data/synthetic_kana.h): "" (none), "print", "handwriting" or "all". Validation and test
    // images stay the dataset's own.
    std::string syntheticForms;
    int syntheticPerFont = 20;  // distorted copies per character and font

    // model
    std::string model = "lenet5";
    std::map<std::string, std::string> modelOptions;
    std::string recipe;  // the recipe or preset these settings came from, for the record

    // optimisation
    int epochs = 10;
    int batchSize = 64;
    OptimizerConfig optimizer;
    ScheduleConfig schedule;
    LossConfig loss;
    EarlyStopConfig earlyStop;
    AugmentConfig augment;
    double gradientClipNorm = 0.0;  // 0 = off
    double emaDecay = 0.0;          // exponential moving average of the weights; 0 = off

    // execution
    std::uint64_t seed = 42;
    int threads = 0;      // LibTorch threads; 0 = automatic (see common/threads.h)
    int blasThreads = 0;  // OpenBLAS threads; 0 = automatic
    std::string device = "cpu";  // cpu or cuda

    // outputs
    std::string runDir;           // empty: a new folder under the user's runs folder
    bool saveEveryEpoch = false;  // keep checkpoints/epoch-N.pt as well
    int logEveryBatches = 0;      // 0: every ~50 ms
    // After each epoch listed (from 1), the feature maps of one validation image (position
    // featureMapImage in the validation split, or in the test split when there is none) are
    // written as PNGs to feature-maps/epoch-N/ in the run folder, to watch what the filters learn.
    std::vector<int> featureMapsAt;
    std::int64_t featureMapImage = 0;
    int testTimeAugmentation = 0; // extra copies averaged at evaluation (a mirror first when training flips); 0 = off
};

// JSON round trip (config.json and the copy inside checkpoints). Unknown keys are ignored so
// newer files stay readable; wrong types throw kanalab::Error naming the key.
std::string trainConfigToJson(const TrainConfig& config);
TrainConfig trainConfigFromJson(const std::string& json);

// Checks values a person could get wrong (negative epochs, unknown optimizer, ...) and throws a
// kanalab::Error that names the setting and the accepted range.
void validateTrainConfig(const TrainConfig& config);

}  // namespace kanalab
