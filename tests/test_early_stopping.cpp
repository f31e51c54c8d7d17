// SPDX-License-Identifier: GPL-3.0-or-later
// Early stopping on scripted validation curves: patience with min-delta on accuracy or loss,
// minimum epochs, the published "drop" rule, runs without a validation set, and the state a
// checkpoint carries for resuming (including its JSON form).
#include "train/checkpoint_json.h"
#include "train/early_stopping.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

using namespace kanalab;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Epoch {
    double accuracy;
    double loss;
};

// Feeds the curve epoch by epoch until a stop; returns every decision made.
std::vector<EarlyStopping::Decision> run(EarlyStopping& stopping, const std::vector<Epoch>& curve, int firstEpoch = 1) {
    std::vector<EarlyStopping::Decision> decisions;
    for (std::size_t i = 0; i < curve.size(); ++i) {
        decisions.push_back(stopping.update(firstEpoch + static_cast<int>(i), curve[i].accuracy, curve[i].loss));
        if (decisions.back().stop)
            break;
    }
    return decisions;
}

std::vector<Epoch> accuracies(const std::vector<double>& values) {
    std::vector<Epoch> curve;
    for (double v : values)
        curve.push_back({v, 1.0 - v});
    return curve;
}

std::vector<int> improvedEpochs(const std::vector<EarlyStopping::Decision>& decisions) {
    std::vector<int> epochs;
    for (std::size_t i = 0; i < decisions.size(); ++i)
        if (decisions[i].improved)
            epochs.push_back(static_cast<int>(i) + 1);
    return epochs;
}

EarlyStopConfig patience(int epochs, double minDelta = 0.0) {
    EarlyStopConfig c;
    c.mode = "patience";
    c.patience = epochs;
    c.minDelta = minDelta;
    return c;
}

EarlyStopConfig drop(int minEpochs) {
    EarlyStopConfig c;
    c.mode = "drop";
    c.minEpochs = minEpochs;
    return c;
}

}  // namespace

TEST(Patience, StopsAfterPatienceEpochsWithoutImprovement) {
    EarlyStopping stopping(patience(2));
    const auto decisions = run(stopping, accuracies({0.5, 0.6, 0.6, 0.55, 0.9}));
    ASSERT_EQ(decisions.size(), 4u) << "stops after epoch 4, never sees the 0.9";
    EXPECT_TRUE(decisions[3].stop);
    EXPECT_EQ(improvedEpochs(decisions), (std::vector<int>{1, 2}));
    EXPECT_EQ(stopping.bestEpoch(), 2);
    EXPECT_DOUBLE_EQ(stopping.bestAccuracy(), 0.6);
    EXPECT_DOUBLE_EQ(stopping.bestLoss(), 0.4);
    EXPECT_NE(decisions[3].reason.find("accuracy"), std::string::npos) << decisions[3].reason;
    EXPECT_NE(decisions[3].reason.find("2 epochs"), std::string::npos) << decisions[3].reason;
    EXPECT_NE(decisions[3].reason.find("epoch 2"), std::string::npos) << decisions[3].reason;
}

TEST(Patience, AnImprovementResetsTheCount) {
    EarlyStopping stopping(patience(2));
    const auto decisions = run(stopping, accuracies({0.5, 0.5, 0.625, 0.5, 0.75, 0.75, 0.625, 1.0}));
    ASSERT_EQ(decisions.size(), 7u);
    EXPECT_EQ(improvedEpochs(decisions), (std::vector<int>{1, 3, 5}));
    EXPECT_EQ(stopping.bestEpoch(), 5);
    for (std::size_t i = 0; i + 1 < decisions.size(); ++i)
        EXPECT_FALSE(decisions[i].stop) << "epoch " << i + 1;
}

TEST(Patience, MinDeltaIgnoresSmallGains) {
    // Binary fractions, so best + minDelta is exact: a gain of exactly minDelta is not enough.
    EarlyStopping stopping(patience(3, 0.125));
    const auto decisions = run(stopping, accuracies({0.25, 0.375, 0.5, 0.5625, 0.625, 0.6875}));
    // 0.25 best; 0.375 = 0.25 + delta: no; 0.5 > 0.375: yes (delta counts from the best, 0.25);
    // 0.5625, 0.625 = 0.5 + delta, 0.6875 > 0.625: yes.
    EXPECT_EQ(improvedEpochs(decisions), (std::vector<int>{1, 3, 6}));
    EXPECT_EQ(decisions.size(), 6u);
    EXPECT_FALSE(decisions.back().stop);

    EarlyStopping strict(patience(2, 0.125));
    const auto stopped = run(strict, accuracies({0.25, 0.375, 0.3125, 0.9}));
    ASSERT_EQ(stopped.size(), 3u) << "two epochs whose gains stay within min-delta stop the run";
    EXPECT_TRUE(stopped.back().stop);
    EXPECT_EQ(strict.bestEpoch(), 1);
}

TEST(Patience, MonitorsValidationLossWhenAsked) {
    EarlyStopConfig c = patience(2);
    c.monitor = "val-loss";
    EarlyStopping stopping(c);
    // Accuracy rises throughout, loss does not: the loss decides.
    const std::vector<Epoch> curve = {{0.5, 1.0}, {0.6, 0.8},  {0.7, 0.85}, {0.4, 0.79},
                                      {0.8, 0.9}, {0.9, 0.95}, {1, 0}};
    const auto decisions = run(stopping, curve);
    ASSERT_EQ(decisions.size(), 6u);
    EXPECT_TRUE(decisions.back().stop);
    EXPECT_EQ(improvedEpochs(decisions), (std::vector<int>{1, 2, 4}));
    EXPECT_EQ(stopping.bestEpoch(), 4);
    EXPECT_DOUBLE_EQ(stopping.bestLoss(), 0.79);
    EXPECT_DOUBLE_EQ(stopping.bestAccuracy(), 0.4) << "the accuracy of the best-loss epoch";
    EXPECT_NE(decisions.back().reason.find("loss"), std::string::npos) << decisions.back().reason;

    // Min-delta on loss: a fall of exactly 0.25 or less is no improvement.
    EarlyStopConfig withDelta = c;
    withDelta.minDelta = 0.25;
    EarlyStopping deltaStopping(withDelta);
    const auto d = run(deltaStopping, {{0, 2.0}, {0, 1.75}, {0, 1.5}, {0, 1.25}, {0, 1.375}, {0, 0.5}});
    EXPECT_EQ(improvedEpochs(d), (std::vector<int>{1, 3}));
    ASSERT_EQ(d.size(), 5u);
    EXPECT_TRUE(d.back().stop);
}

TEST(Patience, MonitorsBalancedAccuracyWhenAsked) {
    EarlyStopConfig c = patience(2);
    c.monitor = "val-balanced-accuracy";
    EarlyStopping stopping(c);
    // Accuracy keeps rising while the rare classes are forgotten: balanced accuracy decides.
    const std::vector<std::pair<double, double>> curve = {{0.80, 0.60}, {0.85, 0.70}, {0.90, 0.65}, {0.95, 0.62}};
    std::vector<EarlyStopping::Decision> decisions;
    int epoch = 0;
    for (const auto& [accuracy, balanced] : curve)
        decisions.push_back(stopping.update(++epoch, accuracy, 1.0 - accuracy, balanced));
    EXPECT_TRUE(decisions[1].improved);
    EXPECT_FALSE(decisions[2].improved) << "higher accuracy, lower balanced accuracy";
    EXPECT_TRUE(decisions.back().stop);
    EXPECT_EQ(stopping.bestEpoch(), 2);
    EXPECT_DOUBLE_EQ(stopping.bestAccuracy(), 0.85) << "the accuracy of the best-balanced epoch";
    EXPECT_NE(decisions.back().reason.find("balanced accuracy"), std::string::npos) << decisions.back().reason;
}

TEST(Patience, WaitsForMinimumEpochs) {
    EarlyStopConfig c = patience(1);
    c.minEpochs = 5;
    EarlyStopping stopping(c);
    const auto decisions = run(stopping, accuracies({0.5, 0.4, 0.3, 0.2, 0.1, 0.0}));
    ASSERT_EQ(decisions.size(), 5u) << "patience ran out at epoch 2, but the run goes on to epoch 5";
    EXPECT_TRUE(decisions.back().stop);
    EXPECT_NE(decisions.back().reason.find("4 epochs"), std::string::npos) << decisions.back().reason;
    EXPECT_EQ(stopping.bestEpoch(), 1);

    // Improving at the minimum epoch: no stop there.
    EarlyStopping again(c);
    const auto d = run(again, accuracies({0.5, 0.4, 0.3, 0.2, 0.6, 0.55, 0.5}));
    ASSERT_EQ(d.size(), 6u);
    EXPECT_TRUE(d[4].improved);
    EXPECT_TRUE(d[5].stop);
}

TEST(NoStopping, NoneModeKeepsTheBestButNeverStops) {
    EarlyStopConfig c;  // mode none
    EarlyStopping stopping(c);
    const auto decisions = run(stopping, accuracies({0.5, 0.4, 0.3, 0.2, 0.6, 0.1, 0.1, 0.1}));
    EXPECT_EQ(decisions.size(), 8u);
    for (const auto& d : decisions)
        EXPECT_FALSE(d.stop);
    EXPECT_EQ(improvedEpochs(decisions), (std::vector<int>{1, 5}));
    EXPECT_EQ(stopping.bestEpoch(), 5);
}

// The sep1d study's rule: after at least N epochs, stop as soon as validation accuracy falls
// (below the previous epoch's); save whenever it rises above the best so far; continue on ties.
TEST(DropRule, StopsAtTheFirstFallAfterMinimumEpochs) {
    EarlyStopping stopping(drop(3));
    const auto decisions = run(stopping, accuracies({0.5, 0.4, 0.6, 0.6, 0.7, 0.65, 0.9}));
    ASSERT_EQ(decisions.size(), 6u);
    // Epoch 2 falls, but before the minimum: it goes on. Epoch 4 ties: it goes on, nothing saved.
    EXPECT_FALSE(decisions[1].stop);
    EXPECT_FALSE(decisions[1].improved);
    EXPECT_FALSE(decisions[3].stop);
    EXPECT_FALSE(decisions[3].improved);
    EXPECT_TRUE(decisions[5].stop);
    EXPECT_EQ(improvedEpochs(decisions), (std::vector<int>{1, 3, 5}));
    EXPECT_EQ(stopping.bestEpoch(), 5);
    EXPECT_DOUBLE_EQ(stopping.bestAccuracy(), 0.7);
    const std::string& reason = decisions[5].reason;
    EXPECT_NE(reason.find("70.00%"), std::string::npos) << reason;
    EXPECT_NE(reason.find("65.00%"), std::string::npos) << reason;
    EXPECT_NE(reason.find("epoch 6"), std::string::npos) << reason;
}

TEST(DropRule, ComparesWithThePreviousEpochNotTheBest) {
    // A rise that stays below the best does not save; the fall after it is still a fall.
    EarlyStopping stopping(drop(4));
    const auto decisions = run(stopping, accuracies({0.5, 0.8, 0.6, 0.7, 0.75, 0.74}));
    ASSERT_EQ(decisions.size(), 6u);
    EXPECT_EQ(improvedEpochs(decisions), (std::vector<int>{1, 2}));
    EXPECT_FALSE(decisions[2].stop) << "fell at epoch 3, before the minimum of 4";
    EXPECT_FALSE(decisions[3].stop) << "rose at epoch 4";
    EXPECT_FALSE(decisions[4].stop) << "rose at epoch 5";
    EXPECT_TRUE(decisions[5].stop);
    EXPECT_EQ(stopping.bestEpoch(), 2);

    // A fall exactly at the minimum epoch stops: "after at least N epochs" counts epoch N.
    EarlyStopping atMinimum(drop(3));
    const auto d = run(atMinimum, accuracies({0.5, 0.7, 0.6}));
    ASSERT_EQ(d.size(), 3u);
    EXPECT_TRUE(d.back().stop);
}

TEST(DropRule, TiesAndSteadyRisesNeverStop) {
    EarlyStopping stopping(drop(1));
    const auto decisions = run(stopping, accuracies({0.5, 0.5, 0.5, 0.6, 0.6, 0.7, 0.8, 0.8}));
    EXPECT_EQ(decisions.size(), 8u);
    for (const auto& d : decisions)
        EXPECT_FALSE(d.stop);
    EXPECT_EQ(improvedEpochs(decisions), (std::vector<int>{1, 4, 6, 7}));
}

TEST(NoValidationSet, EveryEpochCountsAsBestAndNothingStops) {
    for (const std::string mode : {"none", "patience"}) {
        EarlyStopConfig c = patience(1);
        c.mode = mode;
        c.minEpochs = 0;
        EarlyStopping stopping(c);
        for (int epoch = 1; epoch <= 6; ++epoch) {
            const auto d = stopping.update(epoch, kNaN, kNaN);
            EXPECT_TRUE(d.improved) << mode << " epoch " << epoch << ": the last weights are the best we know";
            EXPECT_FALSE(d.stop) << mode << " epoch " << epoch;
        }
        EXPECT_EQ(stopping.bestEpoch(), 6);
        EXPECT_LT(stopping.bestAccuracy(), 0) << "no accuracy was ever measured";
    }
    EarlyStopping dropStopping(drop(1));
    for (int epoch = 1; epoch <= 4; ++epoch) {
        const auto d = dropStopping.update(epoch, kNaN, kNaN);
        EXPECT_FALSE(d.stop);
        EXPECT_FALSE(d.improved);
    }
    EXPECT_EQ(dropStopping.bestEpoch(), 0);
}

namespace {

// Runs the first `split` epochs on one object, carries the state over (optionally through the
// checkpoint's JSON), and checks the rest decides exactly as an uninterrupted run does.
void expectResumeMatches(const EarlyStopConfig& config, const std::vector<Epoch>& curve, std::size_t split,
                         bool throughJson) {
    EarlyStopping whole(config);
    const auto expected = run(whole, curve);
    ASSERT_GT(expected.size(), split);

    EarlyStopping first(config);
    for (std::size_t i = 0; i < split; ++i)
        first.update(static_cast<int>(i) + 1, curve[i].accuracy, curve[i].loss);
    EarlyStopping::State state = first.state();
    if (throughJson) {
        const std::string text = nlohmann::json(state).dump();
        state = nlohmann::json::parse(text).get<EarlyStopping::State>();
    }
    EarlyStopping resumed(config);
    resumed.restore(state);
    const auto rest = run(resumed, std::vector<Epoch>(curve.begin() + static_cast<std::ptrdiff_t>(split), curve.end()),
                          static_cast<int>(split) + 1);
    ASSERT_EQ(rest.size(), expected.size() - split);
    for (std::size_t i = 0; i < rest.size(); ++i) {
        EXPECT_EQ(rest[i].improved, expected[split + i].improved) << "epoch " << split + i + 1;
        EXPECT_EQ(rest[i].stop, expected[split + i].stop) << "epoch " << split + i + 1;
        EXPECT_EQ(rest[i].reason, expected[split + i].reason);
    }
    EXPECT_EQ(resumed.bestEpoch(), whole.bestEpoch());
    EXPECT_EQ(resumed.bestAccuracy(), whole.bestAccuracy());
    EXPECT_EQ(resumed.bestLoss(), whole.bestLoss());
}

}  // namespace

TEST(State, RestoreContinuesLikeAnUninterruptedRun) {
    const auto curve = accuracies({0.5, 0.6, 0.6, 0.55, 0.7, 0.69, 0.68, 0.9});
    for (bool json : {false, true}) {
        SCOPED_TRACE(json ? "through JSON" : "in memory");
        for (std::size_t split : {1u, 2u, 3u}) {
            expectResumeMatches(patience(2), curve, split, json);
            expectResumeMatches(drop(6), curve, split, json);
        }
        EarlyStopConfig byLoss = patience(2, 0.01);
        byLoss.monitor = "val-loss";
        expectResumeMatches(byLoss, {{0.1, 2.0}, {0.2, 1.5}, {0.3, 1.6}, {0.4, 1.4}, {0.5, 1.45}, {0.6, 1.5}, {0, 0}},
                            3, json);
    }
}

TEST(State, FreshStateSurvivesJsonWithItsInfinities) {
    // Before any epoch: best loss +inf and best monitored value -inf, which JSON cannot hold.
    EarlyStopConfig byLoss = patience(1);
    byLoss.monitor = "val-loss";
    EarlyStopping stopping(byLoss);
    const EarlyStopping::State fresh = stopping.state();
    const auto j = nlohmann::json(fresh);
    const auto back = nlohmann::json::parse(j.dump()).get<EarlyStopping::State>();
    EXPECT_EQ(back.bestEpoch, 0);
    EXPECT_TRUE(std::isinf(back.bestLoss) && back.bestLoss > 0);
    EXPECT_TRUE(std::isinf(back.bestMonitored) && back.bestMonitored < 0);
    EarlyStopping restored(byLoss);
    restored.restore(back);
    // A large loss is still an improvement over "nothing yet".
    EXPECT_TRUE(restored.update(1, 0.1, 1e30).improved);

    // A checkpoint written before early stopping existed has no state: the defaults apply.
    const auto missing = nlohmann::json::object().get<EarlyStopping::State>();
    EXPECT_EQ(missing.bestEpoch, 0);
    EXPECT_EQ(missing.epochsWithoutImprovement, 0);
}
