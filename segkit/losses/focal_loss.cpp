#include "segkit/losses/focal_loss.h"

#include <torch/torch.h>

#include "segkit/core/error.h"

namespace segkit::losses {

FocalLoss::FocalLoss(FocalOptions options) : options_(std::move(options)) {
  check_class_weights(options_, name());
  if (options_.alpha && (*options_.alpha < 0 || *options_.alpha > 1)) {
    throw ConfigError("focal: alpha must be in [0, 1] (weight of positives), got " + std::to_string(*options_.alpha));
  }
  if (options_.reduction != FocalReduction::kMean && options_.reduction != FocalReduction::kSum) {
    throw ConfigError("focal: reduction must be mean or sum");
  }
  terms_.gamma = options_.gamma;
  terms_.alpha = options_.alpha;
  terms_.normalized = options_.normalized;
  terms_.reduced_threshold = options_.reduced_threshold;
  terms_.reduction = options_.reduction;
}

torch::Tensor FocalLoss::forward(const torch::Tensor& logits, const torch::Tensor& target) const {
  auto losses = per_class(logits, target);
  if (options_.mode == Mode::kBinary) return losses.squeeze(0);
  return reduce_classes(losses, options_.class_weights);
}

torch::Tensor FocalLoss::per_class(const torch::Tensor& logits, const torch::Tensor& target) const {
  auto scores = logits;
  if (!options_.from_logits) {
    scores = torch::clamp(logits, options_.eps, 1 - options_.eps);
    scores = options_.mode == Mode::kMulticlass ? torch::log(scores) : torch::log(scores / (1 - scores));
  }
  if (options_.mode == Mode::kBinary) {
    auto truth = target_like_logits(logits, target, name()).reshape(-1);
    auto flat = scores.reshape(-1);
    if (options_.ignore_index) {
      auto kept = truth != *options_.ignore_index;
      flat = flat.index({kept});
      truth = truth.index({kept});
    }
    return focal_loss_with_logits(flat, truth, terms_).unsqueeze(0);
  }
  const bool multiclass = options_.mode == Mode::kMulticlass;
  auto truth = multiclass ? class_index_target(logits, target, name()) : target_like_logits(logits, target, name());
  std::vector<torch::Tensor> losses;
  for (int64_t c = 0; c < scores.size(1); ++c) {
    auto class_truth = multiclass ? truth.eq(c).to(torch::kLong) : truth.select(1, c);
    auto class_scores = scores.select(1, c);
    if (options_.ignore_index) {
      // SMP indexes each class with the whole (N, C, ...) mask in multilabel mode, which fails;
      // the class's own channel is what it means.
      auto kept = (multiclass ? truth : truth.select(1, c)) != *options_.ignore_index;
      class_truth = class_truth.index({kept});
      class_scores = class_scores.index({kept});
    }
    losses.push_back(focal_loss_with_logits(class_scores, class_truth, terms_));
  }
  return torch::stack(losses);
}

}  // namespace segkit::losses
