// SPDX-License-Identifier: GPL-3.0-or-later
// Train/validation/test splits: stratification, seeding, the offline test-80-20 protocol, and the
// batch source's epoch order and partial last batch.
#include "common/error.h"
#include "data/batch_source.h"
#include "data/splits.h"
#include "support/test_data.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <set>

using namespace kanalab;

namespace {

std::vector<std::int64_t> iota(std::int64_t n) {
    std::vector<std::int64_t> v(static_cast<std::size_t>(n));
    std::iota(v.begin(), v.end(), 0);
    return v;
}

// 3 classes, 100/50/10 images, interleaved in file order.
std::vector<std::int64_t> unevenLabels() {
    std::vector<std::int64_t> labels;
    for (int i = 0; i < 100; ++i) {
        labels.push_back(0);
        if (i % 2 == 0)
            labels.push_back(1);
        if (i % 10 == 0)
            labels.push_back(2);
    }
    return labels;
}

}  // namespace

TEST(StratifiedSplit, TakesTheFractionOfEveryClass) {
    const auto labels = unevenLabels();
    const IndexSplit split = stratifiedSplit(labels, iota(static_cast<std::int64_t>(labels.size())), 3, 0.1, 7);
    std::vector<int> perClass(3, 0);
    for (auto i : split.second)
        ++perClass[static_cast<std::size_t>(labels[static_cast<std::size_t>(i)])];
    EXPECT_EQ(perClass, (std::vector<int>{10, 5, 1}));
    EXPECT_EQ(split.first.size() + split.second.size(), labels.size());
    std::set<std::int64_t> all(split.first.begin(), split.first.end());
    for (auto i : split.second)
        EXPECT_TRUE(all.insert(i).second) << "index " << i << " is in both parts";
}

TEST(StratifiedSplit, SameSeedSameSplitOtherSeedOtherSplit) {
    const auto labels = unevenLabels();
    const auto pool = iota(static_cast<std::int64_t>(labels.size()));
    const auto a = stratifiedSplit(labels, pool, 3, 0.2, 1);
    const auto b = stratifiedSplit(labels, pool, 3, 0.2, 1);
    const auto c = stratifiedSplit(labels, pool, 3, 0.2, 2);
    EXPECT_EQ(a.second, b.second);
    EXPECT_NE(a.second, c.second);
}

TEST(StratifiedSplit, ZeroFractionKeepsEverythingForTraining) {
    const auto labels = unevenLabels();
    const auto split = stratifiedSplit(labels, iota(static_cast<std::int64_t>(labels.size())), 3, 0.0, 1);
    EXPECT_TRUE(split.second.empty());
    EXPECT_EQ(split.first.size(), labels.size());
}

TEST(StratifiedSplit, RejectsFractionsOutsideZeroToOne) {
    const auto labels = unevenLabels();
    EXPECT_THROW(stratifiedSplit(labels, iota(3), 3, 1.0, 1), Error);
    EXPECT_THROW(stratifiedSplit(labels, iota(3), 3, -0.1, 1), Error);
}

TEST(PerClassHeadTail, FirstEightyPercentOfEachClassInFileOrder) {
    const auto labels = unevenLabels();
    const auto split = perClassHeadTail(labels, 3, 0.8);
    // Class 2 has 10 images: the first 8 in file order train, the last 2 test.
    std::vector<std::int64_t> class2;
    for (std::size_t i = 0; i < labels.size(); ++i)
        if (labels[i] == 2)
            class2.push_back(static_cast<std::int64_t>(i));
    for (int k = 0; k < 8; ++k)
        EXPECT_TRUE(std::binary_search(split.first.begin(), split.first.end(), class2[static_cast<std::size_t>(k)]));
    for (int k = 8; k < 10; ++k)
        EXPECT_TRUE(std::binary_search(split.second.begin(), split.second.end(), class2[static_cast<std::size_t>(k)]));
    EXPECT_EQ(split.first.size(), 80u + 40u + 8u);
}

TEST(DataPlan, Test8020OnSharedKmnist) {
    KANALAB_REQUIRE_SHARED("kmnist", "t10k-images-idx3-ubyte.gz");
    const DatasetInfo& info = findDataset("kmnist");
    const DatasetStatus status = locateDataset(info, {{test::sharedDataDir(), "test"}});
    ASSERT_TRUE(status.test.present);
    DataPlanOptions options;
    options.protocol = SplitProtocol::Test8020;
    options.validationFraction = 0.1;
    const DataPlan plan = planData(status, options);
    EXPECT_EQ(plan.trainIndices.size(), 7200u);
    EXPECT_EQ(plan.validationIndices.size(), 800u);
    EXPECT_EQ(plan.testIndices.size(), 2000u);
    for (auto count : plan.trainCounts())
        EXPECT_EQ(count, 720);
    for (auto count : plan.testCounts())
        EXPECT_EQ(count, 200);
    // Official protocol needs the train images, which the shared folder does not hold.
    options.protocol = SplitProtocol::Official;
    try {
        planData(status, options);
        FAIL() << "expected an error for the missing train split";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("kanalab-cli download kmnist --split train"), std::string::npos) << e.what();
    }
}

TEST(BatchSource, CoversEveryIndexOncePerEpochKeepingThePartialBatch) {
    auto set = std::make_shared<ImageSet>();
    set->rows = 2;
    set->cols = 2;
    for (int i = 0; i < 10; ++i) {
        for (int p = 0; p < 4; ++p)
            set->pixels.push_back(static_cast<std::uint8_t>(i * 10 + p));
        set->labels.push_back(i % 3);
    }
    BatchSource source(set, iota(10), 4, Normalization::unit(), true, 5);
    EXPECT_EQ(source.batchesPerEpoch(), 3);
    std::vector<std::int64_t> firstEpoch;
    for (int epoch = 0; epoch < 2; ++epoch) {
        source.startEpoch(epoch);
        std::vector<std::int64_t> seen;
        std::vector<std::int64_t> sizes;
        Batch batch;
        while (source.next(batch)) {
            sizes.push_back(batch.images.size(0));
            for (std::size_t i = 0; i < batch.indices.size(); ++i) {
                const auto index = batch.indices[i];
                seen.push_back(index);
                EXPECT_EQ(batch.labels[static_cast<std::int64_t>(i)].item<std::int64_t>(), index % 3);
                EXPECT_FLOAT_EQ(batch.images[static_cast<std::int64_t>(i)][0][1][1].item<float>(),
                                static_cast<float>(index * 10 + 3) / 255.0f);
            }
        }
        EXPECT_EQ(sizes, (std::vector<std::int64_t>{4, 4, 2}));
        auto sorted = seen;
        std::sort(sorted.begin(), sorted.end());
        EXPECT_EQ(sorted, iota(10));
        if (epoch == 0)
            firstEpoch = seen;
        else
            EXPECT_NE(seen, firstEpoch) << "each epoch should draw its own order";
    }
}

TEST(BatchSource, BalancedSamplingDrawsEveryClassEquallyOften) {
    // 90 images of class 0, 9 of class 1, 1 of class 2.
    auto set = std::make_shared<ImageSet>();
    set->rows = set->cols = 1;
    for (int i = 0; i < 100; ++i) {
        set->pixels.push_back(static_cast<std::uint8_t>(i));
        set->labels.push_back(i < 90 ? 0 : i < 99 ? 1 : 2);
    }
    EXPECT_EQ(countClasses(*set, iota(100)), (std::vector<std::int64_t>{90, 9, 1}));
    EXPECT_EQ(countClasses(*set, iota(90), 4), (std::vector<std::int64_t>{90, 0, 0, 0}));
    BatchSource source(set, iota(100), 10, Normalization::unit(), true, 3);
    source.setBalancedSampling(true);
    std::vector<std::int64_t> perClass(3, 0);
    std::vector<std::int64_t> firstEpoch;
    for (int epoch = 0; epoch < 30; ++epoch) {
        source.startEpoch(epoch);
        EXPECT_EQ(source.batchesPerEpoch(), 10) << "as many draws per epoch as images";
        Batch batch;
        std::vector<std::int64_t> seen;
        while (source.next(batch))
            for (std::size_t i = 0; i < batch.indices.size(); ++i) {
                ++perClass[static_cast<std::size_t>(batch.labels[static_cast<std::int64_t>(i)].item<std::int64_t>())];
                seen.push_back(batch.indices[i]);
            }
        EXPECT_EQ(seen.size(), 100u);
        if (epoch == 0)
            firstEpoch = seen;
    }
    // 3,000 draws, a third per class expected: within 5 standard deviations (about 129).
    for (auto n : perClass)
        EXPECT_NEAR(static_cast<double>(n), 1000.0, 130.0);
    // The same seed gives the same draws.
    BatchSource again(set, iota(100), 10, Normalization::unit(), true, 3);
    again.setBalancedSampling(true);
    again.startEpoch(0);
    Batch batch;
    std::vector<std::int64_t> seen;
    while (again.next(batch))
        seen.insert(seen.end(), batch.indices.begin(), batch.indices.end());
    EXPECT_EQ(seen, firstEpoch);
}

TEST(BatchSource, NormalizationUsesMeanAndStd) {
    auto set = std::make_shared<ImageSet>();
    set->rows = 1;
    set->cols = 1;
    set->pixels = {255, 0};
    set->labels = {0, 1};
    BatchSource source(set, iota(2), 2, Normalization{0.5f, 0.25f}, false, 0);
    source.startEpoch(0);
    Batch batch;
    ASSERT_TRUE(source.next(batch));
    EXPECT_FLOAT_EQ(batch.images[0].item<float>(), 2.0f);
    EXPECT_FLOAT_EQ(batch.images[1].item<float>(), -2.0f);
}
