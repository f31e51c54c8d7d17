// SPDX-License-Identifier: GPL-3.0-or-later
// Our flat-buffer optimizers against LibTorch's own per-tensor torch::optim classes (same
// initial weights, same gradients, step by step), Adadelta against PyTorch's documented formula,
// the losses against their formulas, every optimizer and loss reducing the loss of a tiny fixed
// batch, the learning-rate schedules at chosen points, optimizer state round trips, and
// gradient clipping.
#include "common/error.h"
#include "common/threads.h"
#include "train/flat_parameters.h"
#include "train/loss.h"
#include "train/optimizer.h"
#include "train/schedule.h"
#include "train/train_config.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <vector>

using namespace kanalab;

namespace {

const ThreadSettings kOneThread = applyThreadSettings({1, 1});
constexpr double kPi = 3.14159265358979323846;

// A small network with parameters of several shapes (conv kernel, biases, matrices), so that the
// flat buffer's slicing is exercised, not just one tensor.
torch::nn::Sequential tinyNet(std::uint64_t seed) {
    torch::manual_seed(seed);
    return torch::nn::Sequential(torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 3, 3).padding(1)), torch::nn::ReLU(),
                                 torch::nn::Flatten(), torch::nn::Linear(3 * 6 * 6, 8), torch::nn::Tanh(),
                                 torch::nn::Linear(8, 4));
}

// A fixed batch of 12 "images" of 6x6 in 4 classes, learnable: each class brightens one quadrant.
struct FixedBatch {
    at::Tensor input;
    at::Tensor target;
};

FixedBatch fixedBatch() {
    torch::manual_seed(7);
    FixedBatch b;
    b.input = torch::rand({12, 1, 6, 6}) * 0.3;
    b.target = torch::arange(12, torch::kLong).remainder(4);
    for (int i = 0; i < 12; ++i) {
        const int q = i % 4;
        b.input[i][0].narrow(0, (q / 2) * 3, 3).narrow(1, (q % 2) * 3, 3) += 0.7;
    }
    return b;
}

at::Tensor flatten(const std::vector<at::Tensor>& tensors) {
    std::vector<at::Tensor> flat;
    for (const auto& t : tensors)
        flat.push_back(t.detach().reshape({-1}));
    return torch::cat(flat);
}

// The step-k gradient: the same numbers for both implementations, spread over the parameters in
// module order.
at::Tensor syntheticGradient(std::int64_t size, int step) {
    torch::manual_seed(1000 + step);
    return torch::randn({size}) * (1.0 + 0.3 * step);
}

void setGradients(std::vector<at::Tensor>& parameters, const at::Tensor& flat) {
    std::int64_t offset = 0;
    for (auto& p : parameters) {
        p.mutable_grad() = flat.narrow(0, offset, p.numel()).view(p.sizes()).clone();
        offset += p.numel();
    }
}

struct Case {
    std::string label;
    OptimizerConfig ours;
    std::function<std::unique_ptr<torch::optim::Optimizer>(std::vector<at::Tensor>)> reference;
};

OptimizerConfig config(const std::string& name, double lr) {
    OptimizerConfig c;
    c.name = name;
    c.learningRate = lr;
    return c;
}

std::vector<Case> referenceCases() {
    using namespace torch::optim;
    std::vector<Case> cases;
    auto add = [&](std::string label, OptimizerConfig ours,
                   std::function<std::unique_ptr<torch::optim::Optimizer>(std::vector<at::Tensor>)> ref) {
        cases.push_back({std::move(label), ours, std::move(ref)});
    };
    add("sgd", config("sgd", 0.05), [](auto p) { return std::make_unique<SGD>(p, SGDOptions(0.05)); });
    {
        auto c = config("sgd", 0.05);
        c.momentum = 0.9;
        add("sgd momentum", c, [](auto p) { return std::make_unique<SGD>(p, SGDOptions(0.05).momentum(0.9)); });
        c.nesterov = true;
        add("sgd nesterov", c,
            [](auto p) { return std::make_unique<SGD>(p, SGDOptions(0.05).momentum(0.9).nesterov(true)); });
        c.weightDecay = 0.01;
        add("sgd nesterov weight decay", c, [](auto p) {
            return std::make_unique<SGD>(p, SGDOptions(0.05).momentum(0.9).nesterov(true).weight_decay(0.01));
        });
    }
    {
        auto c = config("sgd", 0.05);
        c.weightDecay = 0.05;
        add("sgd weight decay", c,
            [](auto p) { return std::make_unique<SGD>(p, SGDOptions(0.05).weight_decay(0.05)); });
        c.momentum = 0.5;
        add("sgd momentum weight decay", c,
            [](auto p) { return std::make_unique<SGD>(p, SGDOptions(0.05).momentum(0.5).weight_decay(0.05)); });
    }
    add("adam", config("adam", 0.01), [](auto p) { return std::make_unique<Adam>(p, AdamOptions(0.01)); });
    {
        auto c = config("adam", 0.01);
        c.beta1 = 0.8;
        c.beta2 = 0.99;
        c.epsilon = 1e-6;
        c.weightDecay = 0.01;
        add("adam betas eps weight decay", c, [](auto p) {
            return std::make_unique<Adam>(p, AdamOptions(0.01).betas({0.8, 0.99}).eps(1e-6).weight_decay(0.01));
        });
    }
    {
        // torch::optim::AdamW defaults to weight_decay 1e-2; ours to 0: both spelled out.
        auto c = config("adamw", 0.01);
        c.weightDecay = 0.05;
        add("adamw", c, [](auto p) { return std::make_unique<AdamW>(p, AdamWOptions(0.01).weight_decay(0.05)); });
        c.weightDecay = 0.0;
        add("adamw no decay", c, [](auto p) { return std::make_unique<AdamW>(p, AdamWOptions(0.01).weight_decay(0)); });
    }
    add("adagrad", config("adagrad", 0.1), [](auto p) { return std::make_unique<Adagrad>(p, AdagradOptions(0.1)); });
    {
        auto c = config("adagrad", 0.1);
        c.lrDecay = 0.05;
        c.weightDecay = 0.01;
        add("adagrad lr decay weight decay", c,
            [](auto p) { return std::make_unique<Adagrad>(p, AdagradOptions(0.1).lr_decay(0.05).weight_decay(0.01)); });
    }
    add("rmsprop", config("rmsprop", 0.01), [](auto p) { return std::make_unique<RMSprop>(p, RMSpropOptions(0.01)); });
    {
        auto c = config("rmsprop", 0.01);
        c.momentum = 0.9;
        add("rmsprop momentum", c,
            [](auto p) { return std::make_unique<RMSprop>(p, RMSpropOptions(0.01).momentum(0.9)); });
        c.alpha = 0.9;
        c.weightDecay = 0.01;
        c.epsilon = 1e-4;
        add("rmsprop momentum alpha eps weight decay", c, [](auto p) {
            return std::make_unique<RMSprop>(
                p, RMSpropOptions(0.01).momentum(0.9).alpha(0.9).weight_decay(0.01).eps(1e-4));
        });
    }
    return cases;
}

constexpr int kSteps = 10;

void expectClose(const at::Tensor& ours, const at::Tensor& theirs, const std::string& what) {
    const double difference = (ours - theirs).abs().max().item<double>();
    EXPECT_TRUE(torch::allclose(ours, theirs, /*rtol=*/1e-5, /*atol=*/1e-6))
        << what << ": max difference " << difference;
}

// Adadelta as torch.optim.Adadelta documents it (and its Python source computes it), per tensor.
class ReferenceAdadelta {
public:
    ReferenceAdadelta(std::vector<at::Tensor> parameters, double lr, double rho, double eps, double weightDecay)
        : m_parameters(std::move(parameters)), m_lr(lr), m_rho(rho), m_eps(eps), m_weightDecay(weightDecay) {
        for (const auto& p : m_parameters) {
            m_squareAvg.push_back(torch::zeros_like(p));
            m_accDelta.push_back(torch::zeros_like(p));
        }
    }
    void step() {
        torch::NoGradGuard noGrad;
        for (std::size_t i = 0; i < m_parameters.size(); ++i) {
            at::Tensor& p = m_parameters[i];
            at::Tensor g = p.grad();
            if (m_weightDecay != 0)
                g = g + m_weightDecay * p;
            // v_t = rho v_{t-1} + (1 - rho) g^2
            m_squareAvg[i] = m_rho * m_squareAvg[i] + (1 - m_rho) * g * g;
            // dx_t = sqrt(u_{t-1} + eps) / sqrt(v_t + eps) * g
            const at::Tensor delta = torch::sqrt(m_accDelta[i] + m_eps) / torch::sqrt(m_squareAvg[i] + m_eps) * g;
            // u_t = rho u_{t-1} + (1 - rho) dx_t^2
            m_accDelta[i] = m_rho * m_accDelta[i] + (1 - m_rho) * delta * delta;
            // theta_t = theta_{t-1} - lr dx_t
            p.sub_(m_lr * delta);
        }
    }

private:
    std::vector<at::Tensor> m_parameters;
    double m_lr, m_rho, m_eps, m_weightDecay;
    std::vector<at::Tensor> m_squareAvg, m_accDelta;
};

double lossOf(torch::nn::Sequential& net, const FixedBatch& batch, const LossConfig& loss) {
    torch::NoGradGuard noGrad;
    return computeLoss(loss, net->forward(batch.input), batch.target).item<double>();
}

// Trains `steps` full-batch steps with our optimizer and loss; returns (first, last) loss.
std::pair<double, double> trainTiny(const OptimizerConfig& optimizerConfig, const LossConfig& loss, int steps) {
    auto net = tinyNet(5);
    FlatParameters flat(*net);
    auto optimizer = makeOptimizer(flat, optimizerConfig);
    const FixedBatch batch = fixedBatch();
    const double first = lossOf(net, batch, loss);
    for (int s = 0; s < steps; ++s) {
        flat.zeroGrad();
        computeLoss(loss, net->forward(batch.input), batch.target).backward();
        optimizer->step();
    }
    return {first, lossOf(net, batch, loss)};
}

}  // namespace

// Same initial weights and the same (synthetic) gradients each step: the update rules must agree.
TEST(OptimizerVsLibTorch, SameUpdatesForSyntheticGradients) {
    for (const Case& c : referenceCases()) {
        SCOPED_TRACE(c.label);
        auto ours = tinyNet(1);
        auto theirs = tinyNet(1);
        FlatParameters flat(*ours);
        auto optimizer = makeOptimizer(flat, c.ours);
        std::vector<at::Tensor> parameters = theirs->parameters();
        auto reference = c.reference(parameters);
        ASSERT_TRUE(torch::equal(flat.values(), flatten(parameters)));
        for (int step = 0; step < kSteps; ++step) {
            const at::Tensor g = syntheticGradient(flat.size(), step);
            flat.gradients().copy_(g);
            setGradients(parameters, g);
            optimizer->step();
            reference->step();
            expectClose(flat.values(), flatten(parameters), "after step " + std::to_string(step + 1));
        }
        EXPECT_EQ(optimizer->steps(), kSteps);
        // The module's own parameters are views of the flat buffer: they moved too.
        EXPECT_TRUE(torch::equal(flatten(ours->parameters()), flat.values()));
        EXPECT_FALSE(torch::equal(flatten(ours->parameters()), flatten(tinyNet(1)->parameters())));
    }
}

// The real thing: each side computes its own gradients by backpropagation through the same
// network and batch, with the learning rate changed half-way as a schedule does.
TEST(OptimizerVsLibTorch, SameTrajectoryThroughBackpropAndLearningRateChanges) {
    const FixedBatch batch = fixedBatch();
    for (const Case& c : referenceCases()) {
        SCOPED_TRACE(c.label);
        auto ours = tinyNet(2);
        auto theirs = tinyNet(2);
        FlatParameters flat(*ours);
        auto optimizer = makeOptimizer(flat, c.ours);
        auto reference = c.reference(theirs->parameters());
        for (int step = 0; step < kSteps; ++step) {
            if (step == kSteps / 2) {
                optimizer->setLearningRate(c.ours.learningRate * 0.5);
                for (auto& group : reference->param_groups())
                    group.options().set_lr(c.ours.learningRate * 0.5);
            }
            flat.zeroGrad();
            const auto lossA = computeLoss({}, ours->forward(batch.input), batch.target);
            lossA.backward();
            reference->zero_grad();
            const auto lossB = computeLoss({}, theirs->forward(batch.input), batch.target);
            lossB.backward();
            EXPECT_NEAR(lossA.item<double>(), lossB.item<double>(), 1e-5) << "step " << step + 1;
            // Autograd accumulated into the flat gradient buffer through the parameter views.
            expectClose(flat.gradients(), flatten([&] {
                            std::vector<at::Tensor> grads;
                            for (const auto& p : theirs->parameters())
                                grads.push_back(p.grad());
                            return grads;
                        }()),
                        "gradients at step " + std::to_string(step + 1));
            optimizer->step();
            reference->step();
            expectClose(flat.values(), flatten(theirs->parameters()), "weights after step " + std::to_string(step + 1));
        }
    }
}

TEST(Adadelta, MatchesPyTorchsDocumentedFormula) {
    struct Variant {
        double lr, rho, eps, weightDecay;
    };
    for (const Variant& v :
         {Variant{1.0, 0.9, 1e-6, 0.0}, Variant{0.1, 0.95, 1e-5, 0.01}, Variant{2.0, 0.5, 1e-3, 0}}) {
        SCOPED_TRACE("lr " + std::to_string(v.lr) + " rho " + std::to_string(v.rho));
        auto ours = tinyNet(3);
        auto theirs = tinyNet(3);
        FlatParameters flat(*ours);
        OptimizerConfig c = config("adadelta", v.lr);
        c.rho = v.rho;
        c.epsilon = v.eps;
        c.weightDecay = v.weightDecay;
        auto optimizer = makeOptimizer(flat, c);
        std::vector<at::Tensor> parameters = theirs->parameters();
        ReferenceAdadelta reference(parameters, v.lr, v.rho, v.eps, v.weightDecay);
        for (int step = 0; step < kSteps; ++step) {
            const at::Tensor g = syntheticGradient(flat.size(), step);
            flat.gradients().copy_(g);
            setGradients(parameters, g);
            optimizer->step();
            reference.step();
            expectClose(flat.values(), flatten(parameters), "after step " + std::to_string(step + 1));
        }
    }
    // The default epsilon is PyTorch's 1e-6: the first step of a unit gradient with lr 1 and
    // rho 0.9 moves by sqrt(1e-6) / sqrt(0.1 + 1e-6).
    auto net = tinyNet(4);
    FlatParameters flat(*net);
    auto optimizer = makeOptimizer(flat, config("adadelta", 1.0));
    const at::Tensor before = flat.values().clone();
    flat.gradients().fill_(1.0);
    optimizer->step();
    const double expected = std::sqrt(1e-6) / std::sqrt(0.1 + 1e-6);
    EXPECT_NEAR((before - flat.values()).mean().item<double>(), expected, 1e-8);
}

TEST(Optimizers, UnknownNameIsAnError) {
    auto net = tinyNet(1);
    FlatParameters flat(*net);
    try {
        makeOptimizer(flat, config("lion", 0.1));
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("'lion'"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("adadelta"), std::string::npos) << e.what();
    }
}

TEST(Optimizers, EveryOptimizerReducesTheLossOfATinyBatch) {
    struct Setting {
        std::string name;
        double lr;
        double momentum;
    };
    const std::vector<Setting> settings = {{"sgd", 0.2, 0},       {"sgd", 0.05, 0.9},     {"adam", 0.01, 0},
                                           {"adamw", 0.01, 0},    {"adagrad", 0.1, 0},    {"adadelta", 1.0, 0},
                                           {"rmsprop", 0.005, 0}, {"rmsprop", 0.002, 0.9}};
    for (const auto& s : settings) {
        OptimizerConfig c = config(s.name, s.lr);
        c.momentum = s.momentum;
        const auto [first, last] = trainTiny(c, {}, 30);
        EXPECT_LT(last, 0.7 * first) << s.name << " momentum " << s.momentum << ": " << first << " -> " << last;
    }
}

TEST(Losses, EveryLossIsReducedByTraining) {
    LossConfig crossEntropy;
    LossConfig smoothed;
    smoothed.labelSmoothing = 0.1;
    LossConfig margin;
    margin.name = "multi-margin";
    LossConfig wideMargin = margin;
    wideMargin.margin = 2.0;
    for (const LossConfig& loss : {crossEntropy, smoothed, margin, wideMargin}) {
        const auto [first, last] = trainTiny(config("adam", 0.01), loss, 30);
        EXPECT_LT(last, 0.7 * first) << loss.name << " smoothing " << loss.labelSmoothing << " margin " << loss.margin
                                     << ": " << first << " -> " << last;
    }
}

TEST(Losses, MatchTheirFormulas) {
    torch::manual_seed(9);
    const at::Tensor logits = torch::randn({5, 4}, torch::kDouble) * 2;
    const at::Tensor target = torch::tensor({0, 3, 1, 1, 2}, torch::kLong);
    const at::Tensor logp = torch::log_softmax(logits, 1);
    const int k = 4;

    const double ce = -logp.gather(1, target.unsqueeze(1)).mean().item<double>();
    EXPECT_NEAR(computeLoss({}, logits, target).item<double>(), ce, 1e-12);

    // Label smoothing eps: (1 - eps) * NLL + eps * mean over classes of -log p.
    LossConfig smoothed;
    smoothed.labelSmoothing = 0.2;
    const double uniformPart = -logp.mean(1).mean().item<double>();
    EXPECT_NEAR(computeLoss(smoothed, logits, target).item<double>(), 0.8 * ce + 0.2 * uniformPart, 1e-12);

    // Multi-margin: mean over samples of sum_{j != y} max(0, margin - x_y + x_j) / K.
    for (double m : {1.0, 0.5}) {
        LossConfig margin;
        margin.name = "multi-margin";
        margin.margin = m;
        double total = 0;
        for (int i = 0; i < 5; ++i) {
            const int y = static_cast<int>(target[i].item<std::int64_t>());
            for (int j = 0; j < k; ++j)
                if (j != y)
                    total += std::max(0.0, m - logits[i][y].item<double>() + logits[i][j].item<double>()) / k;
        }
        EXPECT_NEAR(computeLoss(margin, logits, target).item<double>(), total / 5, 1e-12) << "margin " << m;
    }
}

TEST(Losses, ClassWeightsGiveTheWeightedMeanAndBalanceRareClasses) {
    // Counts 6, 3, 1 (and an empty class): weights N / (K' n) = 10 / (3 n), the empty class 0.
    const std::vector<float> weights = balancedClassWeights({6, 3, 1, 0});
    ASSERT_EQ(weights.size(), 4u);
    EXPECT_FLOAT_EQ(weights[0], 10.0f / 18.0f);
    EXPECT_FLOAT_EQ(weights[1], 10.0f / 9.0f);
    EXPECT_FLOAT_EQ(weights[2], 10.0f / 3.0f);
    EXPECT_FLOAT_EQ(weights[3], 0.0f);
    // Each class's total weight is the same: 6 x 10/18 = 3 x 10/9 = 1 x 10/3.
    EXPECT_NEAR(6 * weights[0], 1 * weights[2], 1e-5);

    torch::manual_seed(4);
    const at::Tensor logits = torch::randn({5, 4}, torch::kFloat);
    const at::Tensor target = torch::tensor({0, 0, 1, 2, 0}, torch::kLong);
    const at::Tensor w = torch::tensor(weights, torch::kFloat);
    const at::Tensor nll = -torch::log_softmax(logits, 1).gather(1, target.unsqueeze(1)).squeeze(1);
    const at::Tensor wi = w.index_select(0, target);
    const double expected = ((nll * wi).sum() / wi.sum()).item<double>();
    EXPECT_NEAR(computeLoss({}, logits, target, w).item<double>(), expected, 1e-6);
    EXPECT_NEAR(computeLoss({}, logits, target, torch::ones({4})).item<double>(), nll.mean().item<double>(), 1e-6)
        << "equal weights are the plain mean";
}

TEST(Schedules, ConstantAndStep) {
    ScheduleConfig constant;
    LearningRateSchedule flat(constant, 0.1, 10);
    for (double p : {0.0, 0.5, 3.7, 9.99, 10.0})
        EXPECT_DOUBLE_EQ(flat.at(p), 0.1) << p;

    ScheduleConfig step;
    step.name = "step";
    step.stepEpochs = 3;
    step.gamma = 0.5;
    LearningRateSchedule s(step, 0.1, 12);
    EXPECT_DOUBLE_EQ(s.at(0), 0.1);
    EXPECT_DOUBLE_EQ(s.at(2.99), 0.1);
    EXPECT_DOUBLE_EQ(s.at(3.0), 0.05);
    EXPECT_DOUBLE_EQ(s.at(5.5), 0.05);
    EXPECT_DOUBLE_EQ(s.at(6.0), 0.025);
    EXPECT_DOUBLE_EQ(s.at(11.9), 0.0125);

    // torch.optim.lr_scheduler.StepLR's documented rule, lr0 * gamma ** (epoch // step_size). (LibTorch
    // 1.13's C++ StepLR is not a reference here: it decays one step later than the Python one.)
    for (int epoch = 0; epoch < 12; ++epoch)
        EXPECT_NEAR(s.at(epoch), 0.1 * std::pow(0.5, epoch / 3), 1e-15) << "epoch " << epoch;
}

TEST(Schedules, Cosine) {
    ScheduleConfig cosine;
    cosine.name = "cosine";
    cosine.minLrFraction = 0.1;
    LearningRateSchedule s(cosine, 1.0, 10);
    EXPECT_DOUBLE_EQ(s.at(0), 1.0);
    EXPECT_NEAR(s.at(5), 0.1 + 0.9 * 0.5, 1e-12);
    EXPECT_NEAR(s.at(2.5), 0.1 + 0.9 * 0.5 * (1 + std::cos(kPi / 4)), 1e-12);
    EXPECT_NEAR(s.at(10), 0.1, 1e-12);
    EXPECT_NEAR(s.at(12), 0.1, 1e-12) << "clamped after the end";
    // Strictly decreasing.
    for (double p = 0.5; p <= 10; p += 0.5)
        EXPECT_LT(s.at(p), s.at(p - 0.5)) << p;
}

TEST(Schedules, WarmupRisesLinearlyThenHandsOver) {
    ScheduleConfig c;
    c.warmupEpochs = 2;
    LearningRateSchedule constant(c, 0.4, 10);
    EXPECT_DOUBLE_EQ(constant.at(0), 0.0);
    EXPECT_DOUBLE_EQ(constant.at(0.5), 0.1);
    EXPECT_DOUBLE_EQ(constant.at(1.0), 0.2);
    EXPECT_DOUBLE_EQ(constant.at(2.0), 0.4);
    EXPECT_DOUBLE_EQ(constant.at(7.0), 0.4);

    // Cosine after warm-up: the peak is reached when warm-up ends, then the cosine spans the rest.
    c.name = "cosine";
    LearningRateSchedule cosine(c, 0.4, 10);
    EXPECT_DOUBLE_EQ(cosine.at(1.0), 0.2);
    EXPECT_DOUBLE_EQ(cosine.at(2.0), 0.4);
    EXPECT_NEAR(cosine.at(6.0), 0.2, 1e-12);  // half-way through epochs 2..10
    EXPECT_NEAR(cosine.at(10.0), 0.0, 1e-12);

    c.name = "step";
    c.stepEpochs = 4;
    c.gamma = 0.1;
    LearningRateSchedule step(c, 0.4, 10);
    EXPECT_DOUBLE_EQ(step.at(1.0), 0.2);
    EXPECT_DOUBLE_EQ(step.at(3.0), 0.4);
    EXPECT_NEAR(step.at(4.0), 0.04, 1e-12);
}

namespace {

// torch.optim.lr_scheduler.OneCycleLR (three_phase=False, anneal_strategy='cos'), transcribed
// from its get_lr(): phase 1 ends at step pct_start * total - 1, phase 2 at total - 1.
double oneCycleLR(int step, int totalSteps, double maxLr, double pctStart, double divFactor, double finalDivFactor) {
    auto annealCos = [](double start, double end, double pct) {
        return end + (start - end) / 2.0 * (std::cos(kPi * pct) + 1);
    };
    const double initialLr = maxLr / divFactor;
    const double minLr = initialLr / finalDivFactor;
    const double end1 = pctStart * totalSteps - 1;
    const double end2 = totalSteps - 1;
    if (step <= end1)
        return annealCos(initialLr, maxLr, step / end1);
    return annealCos(maxLr, minLr, (step - end1) / (end2 - end1));
}

}  // namespace

TEST(Schedules, OneCycleFollowsPyTorchsOneCycleLR) {
    ScheduleConfig c;
    c.name = "one-cycle";
    c.oneCyclePeakFraction = 0.3;
    c.oneCycleDivFactor = 25;
    c.oneCycleFinalDivFactor = 1e4;
    const int epochs = 8, batchesPerEpoch = 250, total = epochs * batchesPerEpoch;
    const double peak = 0.01;
    LearningRateSchedule s(c, peak, epochs);

    // Landmarks: start at max/div, the peak at pct_start of the run, the end at start/final_div.
    EXPECT_NEAR(s.at(0), peak / 25, 1e-15);
    EXPECT_NEAR(s.at(0.3 * epochs), peak, 1e-15);
    EXPECT_NEAR(s.at(epochs), peak / 25 / 1e4, 1e-15);
    EXPECT_NEAR(oneCycleLR(0, total, peak, 0.3, 25, 1e4), peak / 25, 1e-15);
    EXPECT_NEAR(oneCycleLR(total - 1, total, peak, 0.3, 25, 1e4), peak / 25 / 1e4, 1e-15);

    // Step by step, as the trainer asks (progress = epoch + batch / batches): OneCycleLR counts
    // steps 0..total-1 and reaches its landmarks one step earlier than a continuous schedule,
    // so the curves agree to within the learning-rate change of one step (about
    // peak * pi / 2 / (pct_start * total) at the steepest point).
    const double oneStep = peak * kPi / 2 / (0.3 * total);
    double worst = 0;
    for (int step = 0; step < total; ++step) {
        const double ours = s.at(static_cast<double>(step) / batchesPerEpoch);
        const double theirs = oneCycleLR(step, total, peak, 0.3, 25, 1e4);
        worst = std::max(worst, std::abs(ours - theirs));
        ASSERT_NEAR(ours, theirs, oneStep) << "step " << step;
    }
    EXPECT_GT(worst, 0.0);
    // The continuous limit is exact: halfway through the fall, the mean of peak and end.
    const double end = peak / 25 / 1e4;
    EXPECT_NEAR(s.at(epochs * (0.3 + 0.7 / 2)), (peak + end) / 2, 1e-15);
    EXPECT_NEAR(s.at(epochs * 0.15), (peak + peak / 25) / 2, 1e-15);
}

TEST(OptimizerState, RoundTripContinuesIdentically) {
    for (const std::string name : {"sgd", "adam", "adamw", "adagrad", "adadelta", "rmsprop"}) {
        SCOPED_TRACE(name);
        OptimizerConfig c = config(name, name == "adadelta" ? 1.0 : 0.01);
        if (name == "sgd" || name == "rmsprop")
            c.momentum = 0.9;
        auto a = tinyNet(6);
        FlatParameters flatA(*a);
        auto optimizerA = makeOptimizer(flatA, c);
        for (int step = 0; step < 3; ++step) {
            flatA.gradients().copy_(syntheticGradient(flatA.size(), step));
            optimizerA->step();
        }
        const auto state = optimizerA->state();
        EXPECT_FALSE(state.empty());
        for (const auto& [key, tensor] : state)
            EXPECT_EQ(tensor.numel(), flatA.size()) << key;

        // A fresh session with the same weights and the saved state continues exactly.
        auto b = tinyNet(99);
        FlatParameters flatB(*b);
        flatB.values().copy_(flatA.values());
        auto optimizerB = makeOptimizer(flatB, c);
        std::map<std::string, at::Tensor> saved;
        for (const auto& [key, tensor] : state)
            saved[key] = tensor.clone();
        optimizerB->loadState(saved, optimizerA->steps());
        EXPECT_EQ(optimizerB->steps(), 3);
        for (int step = 3; step < 6; ++step) {
            const auto g = syntheticGradient(flatA.size(), step);
            flatA.gradients().copy_(g);
            flatB.gradients().copy_(g);
            optimizerA->step();
            optimizerB->step();
        }
        EXPECT_TRUE(torch::equal(flatA.values(), flatB.values()));
        // state() hands out the live buffers' contents, not stale copies.
        for (const auto& [key, tensor] : optimizerB->state())
            EXPECT_TRUE(torch::equal(tensor, optimizerA->state().at(key))) << key;
    }
}

TEST(OptimizerState, WrongSizeOrMissingStateIsAClearError) {
    auto small = tinyNet(1);
    FlatParameters flatSmall(*small);
    auto adamSmall = makeOptimizer(flatSmall, config("adam", 0.01));

    torch::manual_seed(1);
    torch::nn::Sequential other(torch::nn::Linear(3, 2));
    FlatParameters flatOther(*other);
    auto adamOther = makeOptimizer(flatOther, config("adam", 0.01));
    try {
        adamSmall->loadState(adamOther->state(), 1);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("8 values"), std::string::npos) << message;
        EXPECT_NE(message.find(std::to_string(flatSmall.size()) + " parameters"), std::string::npos) << message;
    }
    EXPECT_EQ(adamSmall->steps(), 0) << "a failed load leaves the step count alone";

    OptimizerConfig momentum = config("sgd", 0.01);
    momentum.momentum = 0.9;
    auto sgd = makeOptimizer(flatSmall, momentum);
    try {
        adamSmall->loadState(sgd->state(), 1);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("'exp_avg"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("adam"), std::string::npos) << e.what();
    }
}

TEST(GradientClipping, MatchesLibTorchsClipGradNorm) {
    for (double maxNorm : {0.5, 5.0, 1e6}) {
        SCOPED_TRACE(maxNorm);
        auto ours = tinyNet(8);
        auto theirs = tinyNet(8);
        FlatParameters flat(*ours);
        std::vector<at::Tensor> parameters = theirs->parameters();
        const at::Tensor g = syntheticGradient(flat.size(), 4);
        flat.gradients().copy_(g);
        setGradients(parameters, g);
        const double normBefore = g.norm().item<double>();
        const double returned = flat.clipGradientNorm(maxNorm);
        const double theirNorm = torch::nn::utils::clip_grad_norm_(parameters, maxNorm);
        EXPECT_NEAR(returned, normBefore, 1e-4 * normBefore);
        EXPECT_NEAR(returned, theirNorm, 1e-4 * normBefore);
        std::vector<at::Tensor> grads;
        for (const auto& p : parameters)
            grads.push_back(p.grad());
        expectClose(flat.gradients(), flatten(grads), "clipped gradients");
        const double after = flat.gradients().norm().item<double>();
        if (normBefore > maxNorm)
            EXPECT_NEAR(after, maxNorm, 1e-4 * maxNorm);
        else
            EXPECT_TRUE(torch::equal(flat.gradients(), g)) << "below the limit nothing changes";
    }
    // Non-finite gradients are reported, not spread: the trainer's NaN check catches the loss.
    auto net = tinyNet(8);
    FlatParameters flat(*net);
    flat.gradients().fill_(1.0);
    flat.gradients()[0] = std::numeric_limits<float>::infinity();
    EXPECT_TRUE(std::isinf(flat.clipGradientNorm(1.0)));
}

TEST(FlatParameters, ModuleParametersAreViewsOfOneBuffer) {
    auto net = tinyNet(1);
    const at::Tensor before = flatten(net->parameters());
    FlatParameters flat(*net);
    EXPECT_TRUE(torch::equal(flat.values(), before)) << "values keep the initial weights";
    EXPECT_EQ(flat.size(), before.numel());
    flat.values().add_(1.0);
    EXPECT_TRUE(torch::equal(flatten(net->parameters()), before + 1.0));
    // zeroGrad keeps the gradient tensors (views), so autograd keeps accumulating into the buffer.
    const FixedBatch batch = fixedBatch();
    computeLoss({}, net->forward(batch.input), batch.target).backward();
    EXPECT_GT(flat.gradients().abs().sum().item<double>(), 0);
    flat.zeroGrad();
    EXPECT_EQ(flat.gradients().abs().sum().item<double>(), 0);
    computeLoss({}, net->forward(batch.input), batch.target).backward();
    EXPECT_GT(flat.gradients().abs().sum().item<double>(), 0);
    EXPECT_TRUE(torch::equal(flatten([&] {
                                 std::vector<at::Tensor> grads;
                                 for (const auto& p : net->parameters())
                                     grads.push_back(p.grad());
                                 return grads;
                             }()),
                             flat.gradients()));

    torch::nn::Sequential empty{torch::nn::ReLU()};
    EXPECT_THROW(FlatParameters(*empty.ptr()), Error);
}

// Float cross-entropy on the CPU takes KanaLab's fused kernels (train/loss.cpp): the same loss
// and gradient as LibTorch's log_softmax + nll_loss, and LibTorch's error for a bad target.
TEST(Losses, FusedCrossEntropyMatchesLibTorch) {
    torch::manual_seed(12);
    for (std::int64_t rows : {1, 7, 64}) {
        const at::Tensor base = torch::randn({rows, 10}) * 3;
        const at::Tensor target = torch::randint(0, 10, {rows}, torch::kLong);
        at::Tensor a = base.clone().requires_grad_(true), b = base.clone().requires_grad_(true);
        const at::Tensor ours = computeLoss({}, a, target);
        const at::Tensor theirs = torch::nn::functional::cross_entropy(b, target);
        EXPECT_NEAR(ours.item<double>(), theirs.item<double>(), 1e-6 * std::max(1.0, theirs.item<double>()));
        (ours * 3).backward();
        (theirs * 3).backward();
        EXPECT_TRUE(torch::allclose(a.grad(), b.grad(), 1e-5, 1e-7)) << rows << " rows";
    }
    EXPECT_THROW(computeLoss({}, torch::randn({2, 3}), torch::tensor({0, 3}, torch::kLong)), c10::Error);
}
