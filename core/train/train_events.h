// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What a training run reports while it runs, as plain data: the GUI turns these into queued
// signals, the CLI into a progress bar. No torch, no Qt.

#include "eval/metrics.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>

namespace kanalab {

constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

struct TrainProgress {
    int epoch = 1;  // from 1
    int epochs = 1;
    std::int64_t batch = 0;  // batches done in this epoch
    std::int64_t batchesPerEpoch = 0;
    std::int64_t step = 0;  // batches done since the run began (resumed runs included)
    double loss = kNoValue;       // mean training loss since the previous report
    double accuracy = kNoValue;   // running training accuracy of this epoch
    double learningRate = 0;
    double imagesPerSecond = 0;   // recent throughput
    double elapsedSeconds = 0;    // this session
    double etaSeconds = kNoValue; // until the last epoch ends
};

struct EpochResult {
    int epoch = 1;
    double trainLoss = kNoValue;
    double trainAccuracy = kNoValue;
    double validationLoss = kNoValue;  // NaN when there is no validation set
    double validationAccuracy = kNoValue;
    double validationBalancedAccuracy = kNoValue;  // mean recall per class
    double learningRate = 0;  // at the end of the epoch
    double seconds = 0;       // wall time of the epoch, validation included
    bool best = false;        // saved as the best checkpoint
};

enum class TrainStatus { Completed, EarlyStopped, Cancelled, Failed };

struct TrainOutcome {
    TrainStatus status = TrainStatus::Failed;
    std::string message;  // for Failed: what happened and what to do
    std::string runDir;
    int epochsDone = 0;
    int bestEpoch = 0;
    double bestValidationAccuracy = kNoValue;
    double trainSeconds = 0;
    bool hasTest = false;
    EvalReport test;  // on the test split, with the weights kept at the end
};

enum class LogLevel { Info, Warning, Error };

struct TrainCallbacks {
    std::function<void(const TrainProgress&)> onProgress;
    std::function<void(const EpochResult&)> onEpoch;
    std::function<void(LogLevel, const std::string&)> onLog;
    // Called once the data is loaded and split, before the first batch: the sizes and class
    // counts let a UI draw the balance and size its progress bar.
    std::function<void(std::int64_t train, std::int64_t validation, std::int64_t test)> onDataReady;
};

// Shared with the thread that runs the training: checked every batch.
struct TrainControl {
    std::atomic<bool> cancel{false};
    std::atomic<bool> pause{false};
};

const char* trainStatusName(TrainStatus status);

}  // namespace kanalab
