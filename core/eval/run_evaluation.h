// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "data/catalogue.h"
#include "data/image_set.h"
#include "eval/metrics.h"

#include <atomic>
#include <memory>
#include <string>

namespace kanalab {

struct RunEvaluationOptions {
    std::string split = "test";   // test or validation
    std::string checkpoint;       // empty: the run's best (else last)
    std::string dataDir;          // empty: the run's own data folder setting
    int ttaCopies = -1;           // -1: as the run was configured
    bool writeFiles = true;       // eval.json, confusion.csv, misclassified.csv
    const std::atomic<bool>* cancel = nullptr;
};

// The report plus the images its indices point into (for showing the mistakes).
struct RunEvaluation {
    EvalReport report;
    std::shared_ptr<const ImageSet> images;
    const DatasetInfo* dataset = nullptr;
    std::string checkpoint;
};

// Re-creates the run's data split exactly (same protocol, fraction and seed), loads its
// checkpoint and evaluates. Torch-free interface for the CLI's eval and the GUI.
RunEvaluation evaluateRun(const std::string& runDir, const RunEvaluationOptions& options = {});

}  // namespace kanalab
