// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/train_step.h"

#include "train/fused_kernels.h"
#include "train/loss.h"

#include <torch/torch.h>

#include <cmath>

namespace kanalab {

TrainStep::TrainStep(Classifier model, FlatParameters& parameters, Optimizer& optimizer, LossConfig loss,
                     double gradientClipNorm, at::Tensor classWeights)
    : m_model(std::move(model)),
      m_params(parameters),
      m_optimizer(optimizer),
      m_loss(std::move(loss)),
      m_clipNorm(gradientClipNorm),
      m_classWeights(std::move(classWeights)) {}

TrainStep::Result TrainStep::run(const at::Tensor& input, const at::Tensor& target, const at::Tensor& mixTarget,
                                 double mixLambda) {
    Result result;
    m_params.zeroGrad();
    const at::Tensor logits = m_model->forward(input);
    at::Tensor loss = computeLoss(m_loss, logits, target, m_classWeights);
    if (mixTarget.defined())
        loss = loss * mixLambda + computeLoss(m_loss, logits, mixTarget, m_classWeights) * (1.0 - mixLambda);
    result.loss = loss.item<double>();
    if (!std::isfinite(result.loss)) {
        result.finite = false;
        return result;
    }
    loss.backward();
    if (m_clipNorm > 0)
        m_params.clipGradientNorm(m_clipNorm);
    m_optimizer.step();
    if (logits.device().is_cpu() && logits.scalar_type() == at::kFloat && logits.dim() == 2 && logits.is_contiguous() &&
        target.scalar_type() == at::kLong && target.is_contiguous() && target.device().is_cpu())
        result.correct = kernels::countCorrect(logits.data_ptr<float>(), target.data_ptr<std::int64_t>(),
                                               logits.size(0), logits.size(1));
    else
        result.correct = logits.argmax(1).eq(target).sum().item<std::int64_t>();
    return result;
}

}  // namespace kanalab
