// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/splits.h"

#include "common/error.h"
#include "common/random.h"

#include <cmath>

namespace kanalab {
namespace {

std::vector<std::vector<std::int64_t>> groupByClass(const std::vector<std::int64_t>& labels,
                                                    const std::vector<std::int64_t>& pool, int numClasses) {
    std::vector<std::vector<std::int64_t>> groups(static_cast<std::size_t>(numClasses));
    for (auto index : pool) {
        const auto label = labels[static_cast<std::size_t>(index)];
        if (label < 0 || label >= numClasses)
            throw Error("label " + std::to_string(label) + " of image " + std::to_string(index) +
                        " is outside the " + std::to_string(numClasses) + " classes");
        groups[static_cast<std::size_t>(label)].push_back(index);
    }
    return groups;
}

std::vector<std::int64_t> allIndices(std::size_t count) {
    std::vector<std::int64_t> indices(count);
    for (std::size_t i = 0; i < count; ++i)
        indices[i] = static_cast<std::int64_t>(i);
    return indices;
}

}  // namespace

const char* protocolName(SplitProtocol protocol) {
    return protocol == SplitProtocol::Official ? "official" : "test-80-20";
}

SplitProtocol parseSplitProtocol(const std::string& text) {
    if (text == "official")
        return SplitProtocol::Official;
    if (text == "test-80-20")
        return SplitProtocol::Test8020;
    throw Error("unknown split protocol '" + text + "': use official or test-80-20");
}

IndexSplit stratifiedSplit(const std::vector<std::int64_t>& labels, const std::vector<std::int64_t>& pool,
                           int numClasses, double fraction, std::uint64_t seed) {
    if (!(fraction >= 0.0 && fraction < 1.0))
        throw Error("validation fraction must be at least 0 and below 1, got " + std::to_string(fraction));
    IndexSplit split;
    const auto groups = groupByClass(labels, pool, numClasses);
    std::vector<char> isSecond(labels.size(), 0);
    for (std::size_t c = 0; c < groups.size(); ++c) {
        std::vector<std::int64_t> members = groups[c];
        SeededRandom random(mixSeed(seed, c));
        random.shuffle(members);
        const auto take = static_cast<std::size_t>(std::llround(fraction * static_cast<double>(members.size())));
        for (std::size_t i = 0; i < take; ++i)
            isSecond[static_cast<std::size_t>(members[i])] = 1;
    }
    for (auto index : pool)
        (isSecond[static_cast<std::size_t>(index)] ? split.second : split.first).push_back(index);
    return split;
}

IndexSplit perClassHeadTail(const std::vector<std::int64_t>& labels, int numClasses, double headFraction) {
    const auto groups = groupByClass(labels, allIndices(labels.size()), numClasses);
    std::vector<char> inHead(labels.size(), 0);
    for (const auto& members : groups) {
        const auto head = static_cast<std::size_t>(std::llround(headFraction * static_cast<double>(members.size())));
        for (std::size_t i = 0; i < head; ++i)
            inHead[static_cast<std::size_t>(members[i])] = 1;
    }
    IndexSplit split;
    for (std::size_t i = 0; i < labels.size(); ++i)
        (inHead[i] ? split.first : split.second).push_back(static_cast<std::int64_t>(i));
    return split;
}

std::vector<std::int64_t> DataPlan::validationCounts() const {
    return countPerClass(*trainFile, numClasses(), validationIndices);
}

std::vector<std::int64_t> DataPlan::testCounts() const { return countPerClass(*testFile, numClasses(), testIndices); }

DataPlan planData(const DatasetStatus& status, const DataPlanOptions& options) {
    DataPlan plan;
    plan.info = status.info;
    plan.options = options;
    const int classes = status.info->numClasses();

    std::vector<std::int64_t> trainPool;
    if (options.protocol == SplitProtocol::Official && status.validation.present && status.train.present) {
        // The dataset's own validation split (an imported train/val/test folder) is used as it
        // is: the validation fraction does not apply.
        auto joined = std::make_shared<ImageSet>(status.info->source->loadTrainAndValidation(status));
        const std::int64_t trainCount = status.train.count >= 0 ? status.train.count : 0;
        plan.trainFile = joined;
        for (std::int64_t i = 0; i < joined->count(); ++i)
            (i < trainCount ? plan.trainIndices : plan.validationIndices).push_back(i);
        if (status.test.present) {
            auto test = std::make_shared<ImageSet>(loadSplit(status, Split::Test));
            plan.testIndices = allIndices(test->labels.size());
            plan.testFile = test;
        } else {
            plan.testFile = plan.trainFile;
        }
        return plan;
    }
    if (options.protocol == SplitProtocol::Official) {
        auto train = std::make_shared<ImageSet>(loadSplit(status, Split::Train));
        plan.trainFile = train;
        trainPool = allIndices(train->labels.size());
        if (status.test.present) {
            auto test = std::make_shared<ImageSet>(loadSplit(status, Split::Test));
            plan.testIndices = allIndices(test->labels.size());
            plan.testFile = test;
        } else {
            plan.testFile = plan.trainFile;  // no test set: evaluation reports validation only
        }
    } else {
        auto test = std::make_shared<ImageSet>(loadSplit(status, Split::Test));
        const IndexSplit headTail = perClassHeadTail(test->labels, classes, 0.8);
        plan.trainFile = test;
        plan.testFile = test;
        trainPool = headTail.first;
        plan.testIndices = headTail.second;
    }
    const IndexSplit trainVal =
        stratifiedSplit(plan.trainFile->labels, trainPool, classes, options.validationFraction, options.seed);
    plan.trainIndices = trainVal.first;
    plan.validationIndices = trainVal.second;
    return plan;
}

}  // namespace kanalab
