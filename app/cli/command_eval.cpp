// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/arguments.h"
#include "cli/commands.h"

#include "common/format.h"
#include "eval/run_evaluation.h"

#include <cstdio>
#include <iostream>

namespace kanalab::cli {
namespace {

// Pads by display columns: kana are two columns wide in a terminal, three bytes in UTF-8.
std::string padded(const std::string& text, int width) {
    int columns = 0;
    for (std::size_t i = 0; i < text.size();) {
        const auto byte = static_cast<unsigned char>(text[i]);
        const int length = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4;
        columns += length == 3 ? 2 : 1;
        i += static_cast<std::size_t>(length);
    }
    return text + std::string(static_cast<std::size_t>(std::max(1, width - columns)), ' ');
}

// Up to this many classes the confusion matrix fits a terminal (K49's 49 columns do not).
constexpr int kMatrixClasses = 20;

void printReport(const RunEvaluation& evaluation) {
    const EvalReport& r = evaluation.report;
    const auto& classes = evaluation.dataset->classes;
    std::cout << evaluation.dataset->name << " " << r.split << ": " << r.count << " images, accuracy "
              << formatFixed(100 * r.accuracy, 2) << "%, balanced accuracy " << formatFixed(100 * r.balancedAccuracy, 2)
              << "%, top-3 " << formatFixed(100 * r.top3Accuracy, 2) << "%, loss " << formatFixed(r.loss, 4) << "\n";
    if (r.numClasses() <= kMatrixClasses) {
        std::cout << "\nconfusion matrix (rows: true class, columns: predicted)\n" << padded("", 14);
        for (int c = 0; c < r.numClasses(); ++c)
            std::cout << padded(std::to_string(c), 6);
        std::cout << "\n";
        for (int t = 0; t < r.numClasses(); ++t) {
            std::cout << padded(std::to_string(t) + " " + classes[static_cast<std::size_t>(t)].displayName(), 14);
            for (auto n : r.confusion[static_cast<std::size_t>(t)])
                std::cout << padded(std::to_string(n), 6);
            std::cout << "\n";
        }
    } else {
        // Too many classes for a matrix in a terminal: the cells that matter, as a list.
        std::cout << "\nmost confused pairs (the full matrix is in confusion.csv)\n";
        for (const auto& pair : topConfusedPairs(r, 20))
            std::cout << "  " << padded(classes[static_cast<std::size_t>(pair.trueClass)].displayName(), 16) << "read as "
                      << padded(classes[static_cast<std::size_t>(pair.predicted)].displayName(), 16) << pair.count
                      << " times (" << formatFixed(100 * pair.shareOfTrue, 1) << "% of its images)\n";
    }
    std::cout << "\n" << padded("class", 16) << padded("precision", 11) << padded("recall", 9) << padded("F1", 8)
              << "support\n";
    auto row = [](const std::string& name, const ClassMetrics& m) {
        std::cout << padded(name, 16) << padded(formatFixed(m.precision, 4), 11) << padded(formatFixed(m.recall, 4), 9)
                  << padded(formatFixed(m.f1, 4), 8) << m.support << "\n";
    };
    for (int c = 0; c < r.numClasses(); ++c)
        row(classes[static_cast<std::size_t>(c)].displayName(), r.perClass[static_cast<std::size_t>(c)]);
    row("macro avg", r.macro);
    row("weighted avg", r.weighted);
}

}  // namespace

int runEval(const std::vector<std::string>& args) {
    const Arguments a(args, {"--split", "--checkpoint", "--data-dir", "--tta"});
    a.expectPositionals(1, 1, "run directory");
    RunEvaluationOptions options;
    options.split = a.choice("--split", "test", {"test", "validation"});
    options.checkpoint = a.value("--checkpoint");
    options.dataDir = a.value("--data-dir");
    options.ttaCopies = a.intValue("--tta", -1, 0, 8);
    const RunEvaluation evaluation = evaluateRun(a.positionals()[0], options);
    printReport(evaluation);
    std::cout << "\nwrote eval.json, confusion.csv and misclassified.csv (" << evaluation.report.misclassified.size()
              << " mistakes) in " << a.positionals()[0] << "\n";
    return 0;
}

}  // namespace kanalab::cli
