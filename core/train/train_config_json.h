// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// JSON converters of TrainConfig and its parts (the macros define inline functions, so every
// file that converts a TrainConfig includes this header). Internal to core.

#include "train/train_config.h"

#include <nlohmann/json.hpp>

namespace kanalab {

NLOHMANN_JSON_SERIALIZE_ENUM(SplitProtocol, {{SplitProtocol::Official, "official"},
                                             {SplitProtocol::Test8020, "test-80-20"}})

// Missing keys keep their defaults: a config.json written by an older KanaLab still loads.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(OptimizerConfig, name, learningRate, weightDecay, momentum, nesterov,
                                                beta1, beta2, epsilon, rho, alpha, lrDecay)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ScheduleConfig, name, warmupEpochs, stepEpochs, gamma, minLrFraction,
                                                oneCyclePeakFraction, oneCycleDivFactor, oneCycleFinalDivFactor)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(LossConfig, name, labelSmoothing, margin, classWeights)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(EarlyStopConfig, mode, monitor, patience, minDelta, minEpochs,
                                                restoreBest)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AugmentConfig, rotationDegrees, translate, scaleMin, scaleMax,
                                                shearDegrees, elasticAlpha, elasticSigma, eraseProbability, mixupAlpha,
                                                flipProbability, brightness, contrast, saturation)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TrainConfig, dataset, dataDir, protocol, validationFraction,
                                                sampler, syntheticForms, syntheticPerFont, model,
                                                modelOptions, recipe, epochs, batchSize, optimizer, schedule, loss,
                                                earlyStop, augment, gradientClipNorm, emaDecay, seed, threads,
                                                blasThreads, device, runDir, saveEveryEpoch, logEveryBatches,
                                                testTimeAugmentation, featureMapsAt, featureMapImage)

}  // namespace kanalab
