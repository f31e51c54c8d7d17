// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A run directory holds everything about one training run, in files a person can open:
//   config.json        every setting needed to reproduce it
//   metrics.csv        one row per epoch
//   progress.csv       one row per progress report (loss curve at fine grain)
//   status.json        how it ended, timings, best epoch, test accuracy
//   eval.json, confusion.csv, misclassified.csv   the latest evaluation
//   checkpoints/best.pt, last.pt, epoch-N.pt
// No torch: the GUI's run browser reads these directly.

#include "data/catalogue.h"
#include "eval/metrics.h"
#include "train/train_config.h"
#include "train/train_events.h"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace kanalab {

class RunDirectory {
public:
    // Opens path, creating it (and checkpoints/) when needed.
    explicit RunDirectory(std::string path);
    ~RunDirectory();
    RunDirectory(const RunDirectory&) = delete;
    RunDirectory& operator=(const RunDirectory&) = delete;

    // A fresh, unused folder name under parent: "2026-11-23_14-05-09_kmnist_lenet5".
    static std::string newRunPath(const std::string& parent, const std::string& dataset, const std::string& model);

    const std::string& path() const { return m_path; }
    std::string file(const std::string& name) const;
    std::string checkpointsDir() const { return file("checkpoints"); }
    std::string bestCheckpoint() const { return file("checkpoints/best.pt"); }
    std::string lastCheckpoint() const { return file("checkpoints/last.pt"); }
    std::string epochCheckpoint(int epoch) const;

    void writeConfig(const TrainConfig& config);
    // Rewrites metrics.csv from a history (a resumed run restarts from its checkpoint's history).
    void resetMetrics(const std::vector<EpochResult>& history);
    void appendMetrics(const EpochResult& result);
    void appendProgress(const TrainProgress& progress);
    void flush();
    void writeStatus(const TrainOutcome& outcome);
    // eval.json, confusion.csv (with labels), misclassified.csv (with labels).
    void writeEvaluation(const EvalReport& report, const std::vector<ClassInfo>& classes);

private:
    std::string m_path;
    std::FILE* m_metrics = nullptr;
    std::FILE* m_progress = nullptr;
};

struct RunSummary {
    std::string path;
    std::string name;       // folder name (renamable)
    std::string createdAt;  // "2026-11-23 14:05:09", from config.json's time
    TrainConfig config;
    std::string status;     // completed, early-stopped, cancelled, failed, running / interrupted
    std::string message;
    int epochsDone = 0;
    int bestEpoch = 0;
    double bestValidationAccuracy = kNoValue;
    double testAccuracy = kNoValue;
    double testBalancedAccuracy = kNoValue;
    double trainSeconds = 0;
    double epochSeconds = 0;  // sum of the epochs' own times (metrics.csv), validation included
    // Mean wall time of one epoch; NaN before the first epoch ends.
    double secondsPerEpoch() const { return epochsDone > 0 ? epochSeconds / epochsDone : kNoValue; }
    bool hasBestCheckpoint = false;
    bool hasLastCheckpoint = false;
};

// Reads what a run directory holds; throws kanalab::Error when it has no readable config.json.
RunSummary readRun(const std::string& path);
// Every run directory directly under parent, newest first; unreadable folders are skipped.
std::vector<RunSummary> listRuns(const std::string& parent);
std::vector<EpochResult> readMetrics(const std::string& runPath);
std::vector<TrainProgress> readProgress(const std::string& runPath);
// eval.json + misclassified.csv; throws when the run has not been evaluated.
EvalReport readEvaluation(const std::string& runPath);

}  // namespace kanalab
