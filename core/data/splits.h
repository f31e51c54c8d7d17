// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "data/dataset_store.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace kanalab {

// How a dataset's files become train / validation / test sets.
enum class SplitProtocol {
    // Train and validation come from the official train file, test is the official test file.
    Official,
    // For machines holding only the official test file: per class, the first 80% of the test
    // file in file order train (validation is carved out of them), the last 20% test.
    Test8020,
};

const char* protocolName(SplitProtocol protocol);  // "official" / "test-80-20"
// Throws kanalab::Error naming the valid protocols.
SplitProtocol parseSplitProtocol(const std::string& text);

struct IndexSplit {
    std::vector<std::int64_t> first;
    std::vector<std::int64_t> second;
};

// Stratified and seeded: from each class of pool, round(fraction x class size) indices go to
// `second` (validation), the rest to `first`. Both keep pool's order within them, so the
// split does not depend on how the caller shuffles later.
IndexSplit stratifiedSplit(const std::vector<std::int64_t>& labels, const std::vector<std::int64_t>& pool,
                           int numClasses, double fraction, std::uint64_t seed);

// Per class, the first headFraction of its images in file order go to `first`, the rest to
// `second` (test-80-20 uses 0.8).
IndexSplit perClassHeadTail(const std::vector<std::int64_t>& labels, int numClasses, double headFraction);

struct DataPlanOptions {
    SplitProtocol protocol = SplitProtocol::Official;
    double validationFraction = 0.1;  // of the training part; 0 = no validation set
    std::uint64_t seed = 42;
};

// Everything a run trains and evaluates on: index views into at most two loaded files.
struct DataPlan {
    const DatasetInfo* info = nullptr;
    DataPlanOptions options;
    std::shared_ptr<const ImageSet> trainFile;  // train and validation indices point here
    std::shared_ptr<const ImageSet> testFile;   // test indices point here (may be trainFile)
    std::vector<std::int64_t> trainIndices;
    std::vector<std::int64_t> validationIndices;
    std::vector<std::int64_t> testIndices;

    int numClasses() const { return info->numClasses(); }
    std::vector<std::int64_t> trainCounts() const { return countPerClass(*trainFile, numClasses(), trainIndices); }
    std::vector<std::int64_t> validationCounts() const;
    std::vector<std::int64_t> testCounts() const;
};

// Loads only the files the protocol needs and splits them. Throws with a download hint when
// a needed split is missing.
DataPlan planData(const DatasetStatus& status, const DataPlanOptions& options);

}  // namespace kanalab
