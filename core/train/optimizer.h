// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "train/flat_parameters.h"
#include "train/train_config.h"

#include <ATen/core/Tensor.h>

#include <map>
#include <memory>
#include <string>

namespace kanalab {

// The update rules of SGD (momentum, Nesterov, weight decay), Adam, AdamW, Adagrad, Adadelta and
// RMSprop, written over FlatParameters. Each follows the formula PyTorch documents for its
// torch.optim class, with the same defaults, so recipes carry over; the tests compare the
// first steps against LibTorch's own optimizers where LibTorch has them.
class Optimizer {
public:
    virtual ~Optimizer() = default;

    virtual void step() = 0;
    void setLearningRate(double lr) { m_lr = lr; }
    double learningRate() const { return m_lr; }
    std::int64_t steps() const { return m_steps; }

    // State for checkpoints: named flat tensors plus the step count.
    std::map<std::string, at::Tensor> state() const;
    // Throws kanalab::Error when names or sizes do not match this optimizer.
    void loadState(const std::map<std::string, at::Tensor>& state, std::int64_t steps);

protected:
    Optimizer(FlatParameters& parameters, const OptimizerConfig& config);
    // A zero-filled buffer the size of the parameters, saved in checkpoints under its name.
    at::Tensor& addState(const std::string& name);

    FlatParameters& m_params;
    OptimizerConfig m_config;
    double m_lr;
    std::int64_t m_steps = 0;
    std::map<std::string, at::Tensor> m_state;
};

std::unique_ptr<Optimizer> makeOptimizer(FlatParameters& parameters, const OptimizerConfig& config);

}  // namespace kanalab
