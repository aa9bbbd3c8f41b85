#include "segkit/losses/kl_div_loss.h"

#include <torch/nn/functional/loss.h>
#include <torch/torch.h>

#include "segkit/core/error.h"

namespace segkit::losses {

KlDivLoss::KlDivLoss(KlDivOptions options) : options_(std::move(options)) {
  if (options_.temperature <= 0) throw ConfigError("kl_div: temperature must be > 0");
  if (options_.ignore_index) throw ConfigError("kl_div: ignore_index is not supported (soft targets)");
  check_class_weights(options_, name());
  if (options_.mode == Mode::kMulticlass && !options_.class_weights.empty()) {
    throw ConfigError("kl_div: class_weights are not supported with mode multiclass");
  }
}

torch::Tensor KlDivLoss::forward(const torch::Tensor& logits, const torch::Tensor& target) const {
  if (options_.mode != Mode::kMulticlass) return reduce_classes(per_class(logits, target), options_.class_weights);
  if (target.sizes() != logits.sizes()) {
    throw ShapeError("kl_div: multiclass soft targets are class probabilities shaped like the logits (N, C, H, W)");
  }
  const double t = options_.temperature;
  auto log_probs = options_.from_logits ? (logits / t).log_softmax(1) : logits.clamp_min(options_.eps).log();
  auto per_element = torch::kl_div(log_probs, target.to(logits.scalar_type()), at::Reduction::None);
  return per_element.sum(1).mean() * (t * t);
}

torch::Tensor KlDivLoss::per_class(const torch::Tensor& logits, const torch::Tensor& target) const {
  if (options_.mode == Mode::kMulticlass) return {};
  namespace F = torch::nn::functional;
  auto truth = target_like_logits(logits, target, name()).to(logits.scalar_type());
  const double t = options_.temperature;
  torch::Tensor bce;
  if (options_.from_logits) {
    bce = F::binary_cross_entropy_with_logits(logits / t, truth,
                                               F::BinaryCrossEntropyWithLogitsFuncOptions().reduction(torch::kNone));
  } else {
    auto p = logits.clamp(options_.eps, 1 - options_.eps);
    bce = -(torch::xlogy(truth, p) + torch::xlogy(1 - truth, 1 - p));
  }
  // Subtracting the target entropy (0 log 0 = 0) turns cross-entropy into KL without changing the gradient.
  auto kl = bce + torch::xlogy(truth, truth) + torch::xlogy(1 - truth, 1 - truth);
  std::vector<int64_t> dims;
  for (int64_t d = 0; d < kl.dim(); ++d) {
    if (d != 1) dims.push_back(d);
  }
  return kl.mean(dims) * (t * t);
}

}  // namespace segkit::losses
