#include "segkit/losses/soft_ce_loss.h"

#include <torch/torch.h>

#include "segkit/core/error.h"
#include "segkit/losses/functional.h"

namespace segkit::losses {

SoftCeLoss::SoftCeLoss(SoftCeOptions options) : options_(std::move(options)) {
  if (options_.smooth_factor < 0 || options_.smooth_factor >= 1) {
    throw ConfigError("soft_ce: smooth_factor must be in [0, 1), got " + std::to_string(options_.smooth_factor));
  }
}

torch::Tensor SoftCeLoss::forward(const torch::Tensor& logits, const torch::Tensor& target) const {
  auto labels = class_index_target(logits, target, name());
  return label_smoothed_nll_loss(logits.log_softmax(1), labels, options_.smooth_factor, options_.ignore_index, 1);
}

}  // namespace segkit::losses
