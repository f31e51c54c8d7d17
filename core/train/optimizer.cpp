// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/optimizer.h"

#include "common/error.h"
#include "train/fused_kernels.h"

#include <ATen/ATen.h>

#include <cmath>

namespace kanalab {

Optimizer::Optimizer(FlatParameters& parameters, const OptimizerConfig& config)
    : m_params(parameters), m_config(config), m_lr(config.learningRate) {}

at::Tensor& Optimizer::addState(const std::string& name) {
    return m_state[name] = at::zeros_like(m_params.values());
}

std::map<std::string, at::Tensor> Optimizer::state() const { return m_state; }

void Optimizer::loadState(const std::map<std::string, at::Tensor>& state, std::int64_t steps) {
    for (auto& [name, tensor] : m_state) {
        const auto it = state.find(name);
        if (it == state.end())
            throw Error("the checkpoint has no '" + name + "' state for the " + m_config.name + " optimizer");
        if (it->second.numel() != tensor.numel())
            throw Error("the checkpoint's optimizer state '" + name + "' holds " + std::to_string(it->second.numel()) +
                        " values, the model has " + std::to_string(tensor.numel()) + " parameters");
        tensor.copy_(it->second.reshape_as(tensor));
    }
    m_steps = steps;
}

namespace {

double epsilonOr(const OptimizerConfig& config, double usual) { return config.epsilon >= 0 ? config.epsilon : usual; }

class Sgd final : public Optimizer {
public:
    Sgd(FlatParameters& p, const OptimizerConfig& c) : Optimizer(p, c) {
        if (c.momentum > 0)
            m_buffer = addState("momentum_buffer");
    }
    void step() override {
        at::Tensor& w = m_params.values();
        at::Tensor g = m_params.gradients();
        if (m_config.weightDecay > 0)
            g = g.add(w, m_config.weightDecay);
        if (m_config.momentum > 0) {
            if (m_steps == 0)
                m_buffer.copy_(g);
            else
                m_buffer.mul_(m_config.momentum).add_(g);
            g = m_config.nesterov ? g.add(m_buffer, m_config.momentum) : m_buffer;
        }
        w.add_(g, -m_lr);
        ++m_steps;
    }

private:
    at::Tensor m_buffer;
};

class Adam final : public Optimizer {
public:
    Adam(FlatParameters& p, const OptimizerConfig& c, bool decoupled) : Optimizer(p, c), m_decoupled(decoupled) {
        m_m = addState("exp_avg");
        m_v = addState("exp_avg_sq");
    }
    void step() override {
        ++m_steps;
        at::Tensor& w = m_params.values();
        const at::Tensor& g = m_params.gradients();
        const double wd = m_config.weightDecay;
        const double b1 = m_config.beta1, b2 = m_config.beta2;
        const double correction1 = 1.0 - std::pow(b1, static_cast<double>(m_steps));
        const double correction2 = 1.0 - std::pow(b2, static_cast<double>(m_steps));
        if (w.device().is_cpu() && w.scalar_type() == at::kFloat && w.is_contiguous() && g.is_contiguous()) {
            // One pass over the four buffers instead of eight LibTorch operations: the same
            // float arithmetic in the same order (tests compare it with torch::optim::Adam).
            kernels::AdamStep s{};
            s.beta1 = static_cast<float>(b1);
            s.oneMinusBeta1 = static_cast<float>(1.0 - b1);
            s.beta2 = static_cast<float>(b2);
            s.oneMinusBeta2 = static_cast<float>(1.0 - b2);
            s.correction2Sqrt = static_cast<float>(std::sqrt(correction2));
            s.epsilon = static_cast<float>(epsilonOr(m_config, 1e-8));
            s.stepSize = static_cast<float>(-m_lr / correction1);
            s.weightDecay = wd > 0 && !m_decoupled ? static_cast<float>(wd) : 0.0f;
            s.weightScale = wd > 0 && m_decoupled ? static_cast<float>(1.0 - m_lr * wd) : 1.0f;
            kernels::adamStep(w.data_ptr<float>(), g.data_ptr<float>(), m_m.data_ptr<float>(), m_v.data_ptr<float>(),
                              w.numel(), s);
            return;
        }
        at::Tensor grad = g;
        if (wd > 0) {
            if (m_decoupled)
                w.mul_(1.0 - m_lr * wd);  // AdamW: decay the weights, not the gradient
            else
                grad = grad.add(w, wd);
        }
        m_m.mul_(b1).add_(grad, 1.0 - b1);
        m_v.mul_(b2).addcmul_(grad, grad, 1.0 - b2);
        if (!m_denominator.defined())
            m_denominator = at::empty_like(m_v);
        at::sqrt_out(m_denominator, m_v);
        m_denominator.div_(std::sqrt(correction2)).add_(epsilonOr(m_config, 1e-8));
        w.addcdiv_(m_m, m_denominator, -m_lr / correction1);
    }

private:
    bool m_decoupled;
    at::Tensor m_m, m_v, m_denominator;  // the denominator only off the fused path (GPU)
};

class Adagrad final : public Optimizer {
public:
    Adagrad(FlatParameters& p, const OptimizerConfig& c) : Optimizer(p, c) {
        m_sum = addState("sum");
        m_denominator = at::empty_like(m_sum);
    }
    void step() override {
        ++m_steps;
        at::Tensor& w = m_params.values();
        at::Tensor g = m_params.gradients();
        if (m_config.weightDecay > 0)
            g = g.add(w, m_config.weightDecay);
        const double clr = m_lr / (1.0 + static_cast<double>(m_steps - 1) * m_config.lrDecay);
        m_sum.addcmul_(g, g, 1.0);
        at::sqrt_out(m_denominator, m_sum);
        m_denominator.add_(epsilonOr(m_config, 1e-10));
        w.addcdiv_(g, m_denominator, -clr);
    }

private:
    at::Tensor m_sum, m_denominator;
};

class Adadelta final : public Optimizer {
public:
    Adadelta(FlatParameters& p, const OptimizerConfig& c) : Optimizer(p, c) {
        m_squareAvg = addState("square_avg");
        m_accDelta = addState("acc_delta");
        m_delta = at::empty_like(m_squareAvg);
        m_std = at::empty_like(m_squareAvg);
    }
    void step() override {
        ++m_steps;
        at::Tensor& w = m_params.values();
        at::Tensor g = m_params.gradients();
        if (m_config.weightDecay > 0)
            g = g.add(w, m_config.weightDecay);
        const double rho = m_config.rho;
        const double eps = epsilonOr(m_config, 1e-6);
        m_squareAvg.mul_(rho).addcmul_(g, g, 1.0 - rho);
        at::add_out(m_std, m_squareAvg, eps).sqrt_();
        at::add_out(m_delta, m_accDelta, eps).sqrt_().div_(m_std).mul_(g);
        m_accDelta.mul_(rho).addcmul_(m_delta, m_delta, 1.0 - rho);
        w.add_(m_delta, -m_lr);
    }

private:
    at::Tensor m_squareAvg, m_accDelta, m_delta, m_std;
};

class RmsProp final : public Optimizer {
public:
    RmsProp(FlatParameters& p, const OptimizerConfig& c) : Optimizer(p, c) {
        m_squareAvg = addState("square_avg");
        if (c.momentum > 0)
            m_buffer = addState("momentum_buffer");
        m_denominator = at::empty_like(m_squareAvg);
    }
    void step() override {
        ++m_steps;
        at::Tensor& w = m_params.values();
        at::Tensor g = m_params.gradients();
        if (m_config.weightDecay > 0)
            g = g.add(w, m_config.weightDecay);
        const double alpha = m_config.alpha;
        m_squareAvg.mul_(alpha).addcmul_(g, g, 1.0 - alpha);
        at::sqrt_out(m_denominator, m_squareAvg);
        m_denominator.add_(epsilonOr(m_config, 1e-8));
        if (m_config.momentum > 0) {
            m_buffer.mul_(m_config.momentum).addcdiv_(g, m_denominator);
            w.add_(m_buffer, -m_lr);
        } else {
            w.addcdiv_(g, m_denominator, -m_lr);
        }
    }

private:
    at::Tensor m_squareAvg, m_buffer, m_denominator;
};

}  // namespace

std::unique_ptr<Optimizer> makeOptimizer(FlatParameters& parameters, const OptimizerConfig& config) {
    const std::string& name = config.name;
    if (name == "sgd")
        return std::make_unique<Sgd>(parameters, config);
    if (name == "adam")
        return std::make_unique<Adam>(parameters, config, false);
    if (name == "adamw")
        return std::make_unique<Adam>(parameters, config, true);
    if (name == "adagrad")
        return std::make_unique<Adagrad>(parameters, config);
    if (name == "adadelta")
        return std::make_unique<Adadelta>(parameters, config);
    if (name == "rmsprop")
        return std::make_unique<RmsProp>(parameters, config);
    throw Error("unknown optimizer '" + name + "': use sgd, adam, adamw, adagrad, adadelta or rmsprop");
}

}  // namespace kanalab
