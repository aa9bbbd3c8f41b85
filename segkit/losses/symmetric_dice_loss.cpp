#include "segkit/losses/symmetric_dice_loss.h"

#include <torch/torch.h>

#include "segkit/core/error.h"

namespace segkit::losses {

SymmetricDiceLoss::SymmetricDiceLoss(LossOptions options) : options_(std::move(options)) {
  if (options_.mode == Mode::kMulticlass) {
    throw ConfigError("symmetric_dice: mode multiclass is not supported; use dice with mode multiclass");
  }
  if (options_.ignore_index) throw ConfigError("symmetric_dice: ignore_index is not supported");
  check_class_weights(options_, name());
}

torch::Tensor SymmetricDiceLoss::forward(const torch::Tensor& logits, const torch::Tensor& target) const {
  return reduce_classes(per_class(logits, target), options_.class_weights);
}

torch::Tensor SymmetricDiceLoss::per_class(const torch::Tensor& logits, const torch::Tensor& target) const {
  auto truth = target_like_logits(logits, target, name()).to(logits.scalar_type());
  auto p = options_.from_logits ? torch::sigmoid(logits) : logits;
  // (N, 2, C, H, W): foreground and background stacked, reduced over the pixels of each image.
  auto probs = torch::stack({p, 1 - p}, 1);
  auto truths = torch::stack({truth, 1 - truth}, 1);
  std::vector<int64_t> pixels;
  for (int64_t d = 3; d < probs.dim(); ++d) pixels.push_back(d);
  auto intersection = (probs * truths).sum(pixels);
  auto cardinality = (probs + truths).sum(pixels);
  auto dice = (2 * intersection / (cardinality + options_.eps)).mean(std::vector<int64_t>{0, 1});
  return 1 - dice;
}

}  // namespace segkit::losses
