// SPDX-License-Identifier: GPL-3.0-or-later
// Evaluation metrics against hand-computed confusion matrices: accuracy, per-class
// precision/recall/F1 with macro and weighted averages (including a class never predicted and
// a class without samples), top-3/top-5 accuracy, the misclassified list, and the evaluation
// files of a run directory read back.
#include "common/error.h"
#include "data/catalogue.h"
#include "eval/metrics.h"
#include "run/run_directory.h"
#include "support/temp_dir.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace kanalab;

namespace {

// Ten samples over four classes. Class 2 is never predicted; class 3 has no samples (but is
// predicted twice). Rows: probabilities for classes 0..3; comments: prediction, then the order
// of the classes by probability (ties go to the lower index, as argmax does).
struct Sample {
    std::int64_t index;
    int truth;
    std::vector<float> p;
};

const std::vector<Sample> kSamples = {
    {10, 0, {0.70f, 0.10f, 0.10f, 0.10f}},  // 0 right
    {11, 0, {0.60f, 0.20f, 0.10f, 0.10f}},  // 0 right
    {12, 0, {0.20f, 0.50f, 0.20f, 0.10f}},  // 1 wrong: 1 0 2 3, truth 2nd
    {13, 0, {0.10f, 0.10f, 0.20f, 0.60f}},  // 3 wrong: 3 2 0 1, truth 3rd
    {14, 1, {0.10f, 0.80f, 0.05f, 0.05f}},  // 1 right
    {15, 1, {0.30f, 0.40f, 0.20f, 0.10f}},  // 1 right
    {16, 1, {0.45f, 0.35f, 0.10f, 0.10f}},  // 0 wrong: 0 1 2 3
    {17, 2, {0.30f, 0.10f, 0.25f, 0.35f}},  // 3 wrong: 3 0 2 1, truth 3rd
    {18, 2, {0.10f, 0.70f, 0.10f, 0.10f}},  // 1 wrong: 1 0 2 3, truth 3rd
    {19, 2, {0.45f, 0.45f, 0.02f, 0.08f}},  // 0 wrong: 0 1 3 2, truth 4th: a top-3 miss
};

EvalReport fourClassReport(double loss = 0.875) {
    std::vector<std::int64_t> indices;
    std::vector<int> labels;
    std::vector<float> probabilities;
    for (const auto& s : kSamples) {
        indices.push_back(s.index);
        labels.push_back(s.truth);
        probabilities.insert(probabilities.end(), s.p.begin(), s.p.end());
    }
    return buildReport(4, indices, labels, probabilities, loss);
}

std::vector<std::int64_t> indicesOf(const std::vector<Misclassified>& list) {
    std::vector<std::int64_t> out;
    for (const auto& m : list)
        out.push_back(m.index);
    return out;
}

std::vector<std::string> readLines(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

}  // namespace

TEST(BuildReport, ConfusionMatrixAndAccuracy) {
    const EvalReport r = fourClassReport();
    EXPECT_EQ(r.numClasses(), 4);
    EXPECT_EQ(r.count, 10);
    const std::vector<std::vector<std::int64_t>> expected = {
        {2, 1, 0, 1},  // true 0
        {1, 2, 0, 0},  // true 1
        {1, 1, 0, 1},  // true 2: never right, never predicted as 2 by anyone
        {0, 0, 0, 0},  // true 3: no samples
    };
    EXPECT_EQ(r.confusion, expected);
    EXPECT_DOUBLE_EQ(r.accuracy, 0.4);
    EXPECT_DOUBLE_EQ(r.loss, 0.875) << "the loss is stored as given";
}

TEST(BuildReport, PerClassPrecisionRecallF1) {
    const EvalReport r = fourClassReport();
    ASSERT_EQ(r.perClass.size(), 4u);
    // Class 0: predicted 4 times, 2 right; 4 samples, 2 found.
    EXPECT_DOUBLE_EQ(r.perClass[0].precision, 0.5);
    EXPECT_DOUBLE_EQ(r.perClass[0].recall, 0.5);
    EXPECT_DOUBLE_EQ(r.perClass[0].f1, 0.5);
    EXPECT_EQ(r.perClass[0].support, 4);
    // Class 1: predicted 4 times, 2 right; 3 samples, 2 found. F1 = 2 * 1/2 * 2/3 / (7/6) = 4/7.
    EXPECT_DOUBLE_EQ(r.perClass[1].precision, 0.5);
    EXPECT_NEAR(r.perClass[1].recall, 2.0 / 3.0, 1e-15);
    EXPECT_NEAR(r.perClass[1].f1, 4.0 / 7.0, 1e-15);
    EXPECT_EQ(r.perClass[1].support, 3);
    // Class 2: never predicted: precision 0 (not NaN), recall 0 of 3.
    EXPECT_EQ(r.perClass[2].precision, 0.0);
    EXPECT_EQ(r.perClass[2].recall, 0.0);
    EXPECT_EQ(r.perClass[2].f1, 0.0);
    EXPECT_EQ(r.perClass[2].support, 3);
    // Class 3: no samples: recall 0 (not NaN); predicted twice, never right.
    EXPECT_EQ(r.perClass[3].precision, 0.0);
    EXPECT_EQ(r.perClass[3].recall, 0.0);
    EXPECT_EQ(r.perClass[3].f1, 0.0);
    EXPECT_EQ(r.perClass[3].support, 0);
}

TEST(BuildReport, MacroAndWeightedAverages) {
    const EvalReport r = fourClassReport();
    // Macro: plain mean over all four classes, the empty ones included.
    EXPECT_NEAR(r.macro.precision, (0.5 + 0.5 + 0 + 0) / 4, 1e-15);
    EXPECT_NEAR(r.macro.recall, (0.5 + 2.0 / 3.0) / 4, 1e-15);  // 7/24
    EXPECT_NEAR(r.macro.f1, (0.5 + 4.0 / 7.0) / 4, 1e-15);      // 15/56
    EXPECT_EQ(r.macro.support, 10);
    // Weighted by support 4, 3, 3, 0 of 10.
    EXPECT_NEAR(r.weighted.precision, 0.4 * 0.5 + 0.3 * 0.5, 1e-15);
    EXPECT_NEAR(r.weighted.recall, 0.4 * 0.5 + 0.3 * 2.0 / 3.0, 1e-15);
    EXPECT_NEAR(r.weighted.recall, r.accuracy, 1e-15) << "weighted recall is the accuracy";
    EXPECT_NEAR(r.weighted.f1, 0.4 * 0.5 + 0.3 * 4.0 / 7.0, 1e-15);  // 13/35
    EXPECT_EQ(r.weighted.support, 10);
}

TEST(BuildReport, BalancedAccuracyIsTheMeanRecallOfClassesWithImages) {
    const EvalReport r = fourClassReport();
    // Recalls 1/2, 2/3, 0 over the three classes with images; class 3 has none and is left out
    // (the macro recall counts it as 0 and divides by four).
    EXPECT_NEAR(r.balancedAccuracy, (0.5 + 2.0 / 3.0 + 0.0) / 3, 1e-15);
    EXPECT_GT(r.balancedAccuracy, r.macro.recall);

    // 90 images of class 0, 10 of class 1, everything read as 0: 90 % accurate, 50 % balanced.
    std::vector<std::int64_t> indices;
    std::vector<int> labels;
    std::vector<float> probabilities;
    for (int i = 0; i < 100; ++i) {
        indices.push_back(i);
        labels.push_back(i < 90 ? 0 : 1);
        probabilities.insert(probabilities.end(), {0.9f, 0.1f});
    }
    const EvalReport skewed = buildReport(2, indices, labels, probabilities, 0.0);
    EXPECT_DOUBLE_EQ(skewed.accuracy, 0.9);
    EXPECT_DOUBLE_EQ(skewed.balancedAccuracy, 0.5);
}

TEST(ConfusedPairs, LargestOffDiagonalCellsFirstWithTheirShare) {
    EvalReport r;
    r.confusion = {{5, 3, 0}, {1, 8, 4}, {0, 4, 2}};
    fillClassMetrics(r);
    const auto pairs = topConfusedPairs(r, 10);
    ASSERT_EQ(pairs.size(), 4u) << "only cells with mistakes, never the diagonal";
    EXPECT_EQ(pairs[0].trueClass, 1);
    EXPECT_EQ(pairs[0].predicted, 2);
    EXPECT_EQ(pairs[0].count, 4);
    EXPECT_NEAR(pairs[0].shareOfTrue, 4.0 / 13.0, 1e-15);
    EXPECT_EQ(pairs[1].trueClass, 2) << "ties keep the row order";
    EXPECT_EQ(pairs[1].predicted, 1);
    EXPECT_EQ(pairs[2].count, 3);
    EXPECT_EQ(pairs[3].count, 1);
    EXPECT_EQ(topConfusedPairs(r, 2).size(), 2u);
    EXPECT_TRUE(topConfusedPairs(EvalReport{}, 5).empty());
}

TEST(BuildReport, TopKAccuracy) {
    const EvalReport r = fourClassReport();
    EXPECT_DOUBLE_EQ(r.top3Accuracy, 0.9) << "only sample 19 has its true class 4th";
    EXPECT_DOUBLE_EQ(r.top5Accuracy, 1.0) << "four classes: always within the top 5";

    // Six classes: the truth ranked 1st, 3rd, 4th, 5th and 6th.
    const std::vector<float> p = {
        0.50f, 0.10f, 0.10f, 0.10f, 0.10f, 0.10f,  // truth 0: 1st
        0.40f, 0.30f, 0.20f, 0.05f, 0.03f, 0.02f,  // truth 2: 3rd
        0.40f, 0.30f, 0.20f, 0.05f, 0.03f, 0.02f,  // truth 3: 4th
        0.40f, 0.30f, 0.20f, 0.05f, 0.03f, 0.02f,  // truth 4: 5th
        0.40f, 0.30f, 0.20f, 0.05f, 0.03f, 0.02f,  // truth 5: 6th
    };
    const EvalReport six = buildReport(6, {0, 1, 2, 3, 4}, {0, 2, 3, 4, 5}, p, 0.0);
    EXPECT_DOUBLE_EQ(six.accuracy, 0.2);
    EXPECT_DOUBLE_EQ(six.top3Accuracy, 0.4);
    EXPECT_DOUBLE_EQ(six.top5Accuracy, 0.8);
}

TEST(BuildReport, MisclassifiedMostConfidentFirstWithTopThree) {
    const EvalReport r = fourClassReport();
    // Confidence .70, .60, .50, .45, .45, .35; the two at .45 keep their evaluation order.
    EXPECT_EQ(indicesOf(r.misclassified), (std::vector<std::int64_t>{18, 13, 12, 16, 19, 17}));
    ASSERT_EQ(r.misclassified.size(), 6u);
    EXPECT_EQ(static_cast<std::int64_t>(r.misclassified.size()), r.count - 4) << "one entry per mistake";

    const Misclassified& first = r.misclassified[0];  // sample 18
    EXPECT_EQ(first.trueClass, 2);
    EXPECT_EQ(first.predicted, 1);
    EXPECT_FLOAT_EQ(first.confidence, 0.70f);
    EXPECT_EQ(first.top, (std::array<int, 3>{1, 0, 2})) << "ties at 0.10 go to the lower class";
    EXPECT_EQ(first.topProbability, (std::array<float, 3>{0.70f, 0.10f, 0.10f}));

    const Misclassified& second = r.misclassified[1];  // sample 13
    EXPECT_EQ(second.trueClass, 0);
    EXPECT_EQ(second.predicted, 3);
    EXPECT_EQ(second.top, (std::array<int, 3>{3, 2, 0}));
    EXPECT_EQ(second.topProbability, (std::array<float, 3>{0.60f, 0.20f, 0.10f}));

    const Misclassified& tiedFirst = r.misclassified[3];  // sample 16
    EXPECT_EQ(tiedFirst.index, 16);
    EXPECT_EQ(tiedFirst.top, (std::array<int, 3>{0, 1, 2}));
    const Misclassified& topThreeMiss = r.misclassified[4];  // sample 19: truth 2 is not in its top 3
    EXPECT_EQ(topThreeMiss.predicted, 0);
    EXPECT_EQ(topThreeMiss.top, (std::array<int, 3>{0, 1, 3}));
    EXPECT_EQ(topThreeMiss.topProbability, (std::array<float, 3>{0.45f, 0.45f, 0.08f}));

    for (const auto& m : r.misclassified) {
        EXPECT_NE(m.trueClass, m.predicted);
        EXPECT_EQ(m.top[0], m.predicted);
        EXPECT_EQ(m.topProbability[0], m.confidence);
        EXPECT_GE(m.topProbability[0], m.topProbability[1]);
        EXPECT_GE(m.topProbability[1], m.topProbability[2]);
    }
}

TEST(BuildReport, MistakesForFiltersOneCellOfTheMatrix) {
    const EvalReport r = fourClassReport();
    EXPECT_EQ(indicesOf(r.mistakesFor(0, 1)), (std::vector<std::int64_t>{12}));
    EXPECT_EQ(indicesOf(r.mistakesFor(0, 3)), (std::vector<std::int64_t>{13}));
    EXPECT_EQ(indicesOf(r.mistakesFor(1, 0)), (std::vector<std::int64_t>{16}));
    EXPECT_EQ(indicesOf(r.mistakesFor(2, 3)), (std::vector<std::int64_t>{17}));
    EXPECT_EQ(indicesOf(r.mistakesFor(2, 1)), (std::vector<std::int64_t>{18}));
    EXPECT_EQ(indicesOf(r.mistakesFor(2, 0)), (std::vector<std::int64_t>{19}));
    EXPECT_TRUE(r.mistakesFor(0, 0).empty()) << "the diagonal holds no mistakes";
    EXPECT_TRUE(r.mistakesFor(1, 2).empty());
    EXPECT_TRUE(r.mistakesFor(3, 0).empty());
    // Every off-diagonal cell's count matches its list.
    for (int t = 0; t < 4; ++t) {
        for (int p = 0; p < 4; ++p) {
            if (t != p) {
                EXPECT_EQ(static_cast<std::int64_t>(r.mistakesFor(t, p).size()), r.confusion[t][p]) << t << "," << p;
            }
        }
    }

    // Several mistakes in one cell keep the report's order (most confident first).
    const std::vector<float> p = {0.3f, 0.7f, 0.1f, 0.9f, 0.45f, 0.55f, 0.8f, 0.2f};
    const EvalReport two = buildReport(2, {5, 6, 7, 8}, {0, 0, 0, 1}, p, 0);
    EXPECT_EQ(indicesOf(two.mistakesFor(0, 1)), (std::vector<std::int64_t>{6, 5, 7}));
    EXPECT_EQ(indicesOf(two.mistakesFor(1, 0)), (std::vector<std::int64_t>{8}));
}

TEST(BuildReport, TwoClassesLeaveTheThirdTopSlotEmpty) {
    const EvalReport r = buildReport(2, {0}, {0}, {0.25f, 0.75f}, 0);
    ASSERT_EQ(r.misclassified.size(), 1u);
    EXPECT_EQ(r.misclassified[0].top, (std::array<int, 3>{1, 0, -1}));
    EXPECT_EQ(r.misclassified[0].topProbability[2], 0.0f);
    EXPECT_DOUBLE_EQ(r.top3Accuracy, 1.0);
}

TEST(BuildReport, RejectsInconsistentInput) {
    EXPECT_THROW(buildReport(3, {0, 1}, {0}, {1, 0, 0}, 0), Error);
    EXPECT_THROW(buildReport(3, {0}, {0}, {1, 0}, 0), Error);
    EXPECT_THROW(buildReport(3, {0}, {3}, {1, 0, 0}, 0), Error);
    EXPECT_THROW(buildReport(3, {0}, {-1}, {1, 0, 0}, 0), Error);
}

TEST(BuildReport, EmptyEvaluationIsAllZeroNotNaN) {
    const EvalReport r = buildReport(3, {}, {}, {}, std::nan(""));
    EXPECT_EQ(r.count, 0);
    EXPECT_EQ(r.accuracy, 0.0);
    EXPECT_EQ(r.top3Accuracy, 0.0);
    EXPECT_EQ(r.macro.f1, 0.0);
    EXPECT_EQ(r.weighted.precision, 0.0);
    EXPECT_TRUE(r.misclassified.empty());
}

TEST(FillClassMetrics, FromAConfusionMatrixAlone) {
    EvalReport r;
    r.confusion = {{5, 1, 0}, {2, 3, 1}, {0, 0, 4}};
    fillClassMetrics(r);
    EXPECT_EQ(r.count, 16);
    EXPECT_DOUBLE_EQ(r.accuracy, 12.0 / 16.0);
    // Columns 7, 4, 5; rows 6, 6, 4.
    EXPECT_NEAR(r.perClass[0].precision, 5.0 / 7.0, 1e-15);
    EXPECT_NEAR(r.perClass[0].recall, 5.0 / 6.0, 1e-15);
    EXPECT_NEAR(r.perClass[0].f1, 2 * 5.0 / (7 + 6), 1e-15);  // F1 = 2 tp / (predicted + actual)
    EXPECT_NEAR(r.perClass[1].precision, 3.0 / 4.0, 1e-15);
    EXPECT_NEAR(r.perClass[1].recall, 3.0 / 6.0, 1e-15);
    EXPECT_NEAR(r.perClass[1].f1, 2 * 3.0 / (4 + 6), 1e-15);
    EXPECT_NEAR(r.perClass[2].precision, 4.0 / 5.0, 1e-15);
    EXPECT_NEAR(r.perClass[2].recall, 1.0, 1e-15);
    EXPECT_NEAR(r.perClass[2].f1, 2 * 4.0 / (5 + 4), 1e-15);
    EXPECT_NEAR(r.macro.f1, (10.0 / 13 + 6.0 / 10 + 8.0 / 9) / 3, 1e-15);
    EXPECT_NEAR(r.weighted.f1, (6 * 10.0 / 13 + 6 * 6.0 / 10 + 4 * 8.0 / 9) / 16, 1e-15);
    EXPECT_EQ(r.perClass[2].support, 4);

    // Re-filling after editing the matrix replaces everything (no stale per-class rows).
    r.confusion = {{1, 0}, {0, 1}};
    fillClassMetrics(r);
    EXPECT_EQ(r.perClass.size(), 2u);
    EXPECT_DOUBLE_EQ(r.accuracy, 1.0);
    EXPECT_DOUBLE_EQ(r.macro.f1, 1.0);
}

TEST(EvaluationFiles, WrittenWithLabelsAndReadBack) {
    test::TempDir dir;
    EvalReport report = fourClassReport(0.5);
    report.split = "test";
    std::vector<ClassInfo> classes = findDataset("kmnist").classes;
    classes.resize(3);
    ClassInfo awkward;
    awkward.index = 3;
    awkward.label = "T-shirt, \"top\"";  // a folder name may hold commas and quotes
    classes.push_back(awkward);
    {
        RunDirectory run(dir.path());
        run.writeEvaluation(report, classes);
    }

    const auto confusion = readLines(dir.file("confusion.csv"));
    ASSERT_EQ(confusion.size(), 5u);
    EXPECT_EQ(confusion[0], "true\\predicted,お o,き ki,す su,\"T-shirt, \"\"top\"\"\"");
    EXPECT_EQ(confusion[1], "お o,2,1,0,1");
    EXPECT_EQ(confusion[4], "\"T-shirt, \"\"top\"\"\",0,0,0,0");

    const auto mistakes = readLines(dir.file("misclassified.csv"));
    ASSERT_EQ(mistakes.size(), 1u + report.misclassified.size());
    EXPECT_EQ(mistakes[1].rfind("18,2,す su,1,き ki,0.7,1,0.7,0,0.1,2,0.1", 0), 0u) << mistakes[1];

    const EvalReport back = readEvaluation(dir.path());
    EXPECT_EQ(back.split, "test");
    EXPECT_EQ(back.count, 10);
    EXPECT_DOUBLE_EQ(back.accuracy, 0.4);
    EXPECT_DOUBLE_EQ(back.loss, 0.5);
    EXPECT_DOUBLE_EQ(back.top3Accuracy, 0.9);
    EXPECT_EQ(back.confusion, report.confusion);
    ASSERT_EQ(back.perClass.size(), 4u);
    EXPECT_NEAR(back.perClass[1].f1, 4.0 / 7.0, 1e-12);
    EXPECT_NEAR(back.macro.recall, 7.0 / 24.0, 1e-12);
    EXPECT_NEAR(back.weighted.f1, 13.0 / 35.0, 1e-12);
    ASSERT_EQ(back.misclassified.size(), report.misclassified.size());
    for (std::size_t i = 0; i < back.misclassified.size(); ++i) {
        const auto& a = back.misclassified[i];
        const auto& b = report.misclassified[i];
        EXPECT_EQ(a.index, b.index);
        EXPECT_EQ(a.trueClass, b.trueClass);
        EXPECT_EQ(a.predicted, b.predicted);
        EXPECT_NEAR(a.confidence, b.confidence, 1e-5);
        EXPECT_EQ(a.top, b.top);
        for (std::size_t k = 0; k < 3; ++k)
            EXPECT_NEAR(a.topProbability[k], b.topProbability[k], 1e-5);
    }
    EXPECT_EQ(back.mistakesFor(2, 0).size(), 1u);
}

TEST(EvaluationFiles, ReadingAnUnevaluatedRunSaysWhatToDo) {
    test::TempDir dir;
    try {
        readEvaluation(dir.path());
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("kanalab-cli eval"), std::string::npos) << e.what();
    }
}
