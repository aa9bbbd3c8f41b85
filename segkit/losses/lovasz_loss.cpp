#include "segkit/losses/lovasz_loss.h"

#include <torch/torch.h>

#include "segkit/core/error.h"
#include "segkit/losses/functional.h"

namespace segkit::losses {

LovaszLoss::LovaszLoss(LovaszOptions options) : options_(std::move(options)) {
  if (!options_.class_weights.empty()) {
    throw ConfigError("lovasz: class_weights are not supported (the loss is not a sum of per-class terms)");
  }
}

torch::Tensor LovaszLoss::forward(const torch::Tensor& logits, const torch::Tensor& target) const {
  if (!options_.per_image) return one_batch(logits, target);
  std::vector<torch::Tensor> losses;
  for (int64_t i = 0; i < logits.size(0); ++i) {
    losses.push_back(one_batch(logits.slice(0, i, i + 1), target.slice(0, i, i + 1)));
  }
  if (losses.empty()) return logits.sum() * 0.0;
  return lovasz_mean(losses);
}

torch::Tensor LovaszLoss::one_batch(const torch::Tensor& logits, const torch::Tensor& target) const {
  if (options_.mode != Mode::kMulticlass) {
    auto scores = logits.reshape(-1);
    auto labels = target_like_logits(logits, target, name()).reshape(-1);
    if (options_.ignore_index) {
      auto valid = labels != *options_.ignore_index;
      scores = scores.index({valid});
      labels = labels.index({valid});
    }
    return lovasz_hinge_flat(scores, labels);
  }
  auto labels = class_index_target(logits, target, name()).reshape(-1);
  const int64_t classes = logits.size(1);
  // (N, C, H, W) -> (N*H*W, C): one row of class probabilities per pixel.
  auto probas = torch::movedim(logits.softmax(1), 1, -1).reshape({-1, classes});
  if (options_.ignore_index) {
    auto valid = labels != *options_.ignore_index;
    probas = probas.index({valid});
    labels = labels.index({valid});
  }
  return lovasz_softmax_flat(probas, labels);
}

}  // namespace segkit::losses
