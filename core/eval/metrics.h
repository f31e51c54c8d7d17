// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Classification metrics from plain predictions: confusion matrix, per-class precision /
// recall / F1 with macro and weighted averages, top-k accuracy and the misclassified samples.
// No torch here, so the rules are tested against hand-computed matrices.

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace kanalab {

struct ClassMetrics {
    double precision = 0;  // 0 when the class was never predicted
    double recall = 0;     // 0 when the class has no samples
    double f1 = 0;
    std::int64_t support = 0;  // samples whose true class this is
};

struct Misclassified {
    std::int64_t index = 0;  // position in the evaluated image set
    int trueClass = 0;
    int predicted = 0;
    float confidence = 0;  // probability of the predicted class
    std::array<int, 3> top{{0, 0, 0}};
    std::array<float, 3> topProbability{{0, 0, 0}};
};

struct EvalReport {
    std::string split;  // "validation", "test"
    std::int64_t count = 0;
    double accuracy = 0;
    double loss = std::numeric_limits<double>::quiet_NaN();
    double top3Accuracy = 0;
    double top5Accuracy = 0;
    // Mean recall over the classes that have samples: what accuracy would be if every class
    // were equally common. On imbalanced sets (K49, Kuzushiji-Kanji, most folders) a model
    // that ignores the rare classes keeps a high accuracy but not a high balanced accuracy.
    double balancedAccuracy = 0;
    std::vector<std::vector<std::int64_t>> confusion;  // [true][predicted]
    std::vector<ClassMetrics> perClass;
    ClassMetrics macro;     // unweighted mean over classes (support = total)
    ClassMetrics weighted;  // mean weighted by support
    std::vector<Misclassified> misclassified;  // most confident mistakes first

    int numClasses() const { return static_cast<int>(confusion.size()); }
    // The mistakes with this (true, predicted) pair, in report order.
    std::vector<Misclassified> mistakesFor(int trueClass, int predicted) const;
};

// One off-diagonal cell of a confusion matrix: `count` images of trueClass read as predicted.
struct ConfusedPair {
    int trueClass = 0;
    int predicted = 0;
    std::int64_t count = 0;
    double shareOfTrue = 0;  // count / images of trueClass
};

// The most frequent mistakes, largest count first (ties: by true, then predicted class), at
// most `limit`: with thousands of classes the matrix is unreadable, this list is not.
std::vector<ConfusedPair> topConfusedPairs(const EvalReport& report, int limit);

// probabilities: count x numClasses, row-major; labels: true class per row; indices: what each
// row is in the evaluated set. loss is stored as given (the caller computed it).
EvalReport buildReport(int numClasses, const std::vector<std::int64_t>& indices, const std::vector<int>& labels,
                       const std::vector<float>& probabilities, double loss);

// Precision/recall/F1 and accuracy from a confusion matrix alone.
void fillClassMetrics(EvalReport& report);

}  // namespace kanalab
