// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/metrics.h"

#include "common/error.h"

#include <algorithm>
#include <numeric>

namespace kanalab {

std::vector<Misclassified> EvalReport::mistakesFor(int trueClass, int predicted) const {
    std::vector<Misclassified> out;
    for (const auto& m : misclassified)
        if (m.trueClass == trueClass && m.predicted == predicted)
            out.push_back(m);
    return out;
}

void fillClassMetrics(EvalReport& report) {
    const int k = report.numClasses();
    report.perClass.assign(static_cast<std::size_t>(k), {});
    std::int64_t total = 0, correct = 0;
    for (int t = 0; t < k; ++t)
        for (int p = 0; p < k; ++p) {
            const auto n = report.confusion[t][p];
            total += n;
            if (t == p)
                correct += n;
        }
    report.count = total;
    report.accuracy = total > 0 ? static_cast<double>(correct) / static_cast<double>(total) : 0.0;

    ClassMetrics macro, weighted;
    for (int c = 0; c < k; ++c) {
        std::int64_t predictedAsC = 0, actualC = 0;
        for (int i = 0; i < k; ++i) {
            predictedAsC += report.confusion[i][c];
            actualC += report.confusion[c][i];
        }
        const auto tp = static_cast<double>(report.confusion[c][c]);
        ClassMetrics& m = report.perClass[static_cast<std::size_t>(c)];
        m.support = actualC;
        m.precision = predictedAsC > 0 ? tp / static_cast<double>(predictedAsC) : 0.0;
        m.recall = actualC > 0 ? tp / static_cast<double>(actualC) : 0.0;
        m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0.0;
        macro.precision += m.precision / k;
        macro.recall += m.recall / k;
        macro.f1 += m.f1 / k;
        if (total > 0) {
            const double w = static_cast<double>(actualC) / static_cast<double>(total);
            weighted.precision += w * m.precision;
            weighted.recall += w * m.recall;
            weighted.f1 += w * m.f1;
        }
    }
    macro.support = weighted.support = total;
    int present = 0;
    double recallSum = 0;
    for (const auto& m : report.perClass)
        if (m.support > 0) {
            ++present;
            recallSum += m.recall;
        }
    report.balancedAccuracy = present > 0 ? recallSum / present : 0.0;
    report.macro = macro;
    report.weighted = weighted;
}

std::vector<ConfusedPair> topConfusedPairs(const EvalReport& report, int limit) {
    std::vector<ConfusedPair> pairs;
    const int k = report.numClasses();
    for (int t = 0; t < k; ++t) {
        const auto& row = report.confusion[static_cast<std::size_t>(t)];
        std::int64_t rowTotal = 0;
        for (auto n : row)
            rowTotal += n;
        for (int p = 0; p < k; ++p) {
            const auto n = row[static_cast<std::size_t>(p)];
            if (p != t && n > 0)
                pairs.push_back({t, p, n, static_cast<double>(n) / static_cast<double>(rowTotal)});
        }
    }
    std::stable_sort(pairs.begin(), pairs.end(),
                     [](const ConfusedPair& a, const ConfusedPair& b) { return a.count > b.count; });
    if (limit >= 0 && pairs.size() > static_cast<std::size_t>(limit))
        pairs.resize(static_cast<std::size_t>(limit));
    return pairs;
}

EvalReport buildReport(int numClasses, const std::vector<std::int64_t>& indices, const std::vector<int>& labels,
                       const std::vector<float>& probabilities, double loss) {
    const std::size_t n = labels.size();
    const auto k = static_cast<std::size_t>(numClasses);
    if (indices.size() != n || probabilities.size() != n * k)
        throw Error("internal: evaluation got " + std::to_string(n) + " labels, " + std::to_string(indices.size()) +
                    " indices and " + std::to_string(probabilities.size()) + " probabilities for " +
                    std::to_string(numClasses) + " classes");
    EvalReport report;
    report.loss = loss;
    report.confusion.assign(k, std::vector<std::int64_t>(k, 0));
    std::int64_t inTop3 = 0, inTop5 = 0;
    std::vector<int> order(k);
    for (std::size_t i = 0; i < n; ++i) {
        const float* row = probabilities.data() + i * k;
        std::iota(order.begin(), order.end(), 0);
        // Ties broken by the lower class index, as argmax does.
        std::stable_sort(order.begin(), order.end(), [row](int a, int b) { return row[a] > row[b]; });
        const int truth = labels[i];
        if (truth < 0 || truth >= numClasses)
            throw Error("internal: label " + std::to_string(truth) + " outside " + std::to_string(numClasses) +
                        " classes");
        const int predicted = order[0];
        ++report.confusion[static_cast<std::size_t>(truth)][static_cast<std::size_t>(predicted)];
        const auto rank = static_cast<std::size_t>(std::find(order.begin(), order.end(), truth) - order.begin());
        inTop3 += rank < 3;
        inTop5 += rank < 5;
        if (predicted != truth) {
            Misclassified m;
            m.index = indices[i];
            m.trueClass = truth;
            m.predicted = predicted;
            m.confidence = row[predicted];
            for (std::size_t j = 0; j < 3; ++j) {
                m.top[j] = j < k ? order[j] : -1;
                m.topProbability[j] = j < k ? row[order[j]] : 0.0f;
            }
            report.misclassified.push_back(m);
        }
    }
    std::stable_sort(report.misclassified.begin(), report.misclassified.end(),
                     [](const Misclassified& a, const Misclassified& b) { return a.confidence > b.confidence; });
    fillClassMetrics(report);
    report.top3Accuracy = n ? static_cast<double>(inTop3) / static_cast<double>(n) : 0.0;
    report.top5Accuracy = n ? static_cast<double>(inTop5) / static_cast<double>(n) : 0.0;
    return report;
}

}  // namespace kanalab
