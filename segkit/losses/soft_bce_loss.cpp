#include "segkit/losses/soft_bce_loss.h"

#include <torch/nn/functional/loss.h>
#include <torch/torch.h>

#include "segkit/core/error.h"

namespace segkit::losses {

SoftBceLoss::SoftBceLoss(SoftBceOptions options) : options_(std::move(options)) {
  if (options_.smooth_factor && (*options_.smooth_factor < 0 || *options_.smooth_factor >= 1)) {
    throw ConfigError("soft_bce: smooth_factor must be in [0, 1), got " + std::to_string(*options_.smooth_factor));
  }
}

torch::Tensor SoftBceLoss::forward(const torch::Tensor& logits, const torch::Tensor& target) const {
  namespace F = torch::nn::functional;
  auto truth = target_like_logits(logits, target, name()).to(logits.scalar_type());
  auto soft = truth;
  if (options_.smooth_factor) {
    const double s = *options_.smooth_factor;
    soft = (1 - truth) * s + truth * (1 - s);
  }
  auto func = F::BinaryCrossEntropyWithLogitsFuncOptions().reduction(torch::kNone);
  if (!options_.pos_weight.empty()) {
    func.pos_weight(channel_values(options_.pos_weight, logits, "pos_weight", name()));
  }
  auto loss = F::binary_cross_entropy_with_logits(logits, soft, func);
  if (options_.ignore_index) loss = loss * (truth != *options_.ignore_index).to(loss.scalar_type());
  return options_.mean ? loss.mean() : loss.sum();
}

}  // namespace segkit::losses
