#include "segkit/losses/channel_dice_loss.h"

#include <torch/torch.h>

#include "segkit/core/error.h"

namespace segkit::losses {

ChannelDiceLoss::ChannelDiceLoss(LossOptions options) : options_(std::move(options)) {
  if (options_.mode == Mode::kMulticlass) {
    throw ConfigError("dice_pos_channels: mode multiclass is not supported (every pixel has a class); use dice");
  }
  check_class_weights(options_, name());
}

torch::Tensor ChannelDiceLoss::forward(const torch::Tensor& logits, const torch::Tensor& target) const {
  const auto truth = target_like_logits(logits, target, name()).to(logits.scalar_type()).flatten(2);
  const auto probs = (options_.from_logits ? torch::sigmoid(logits) : logits).flatten(2);
  const auto intersection = (probs * truth).sum(2);
  const auto cardinality = probs.sum(2) + truth.sum(2);
  const auto dice = (2 * intersection + options_.smooth) / (cardinality + options_.smooth).clamp_min(options_.eps);
  auto weights = (truth.sum(2) > 0).to(dice.scalar_type());  // (N, C): the positive channels
  if (!options_.class_weights.empty()) weights = weights * channel_values(options_.class_weights, dice, "class_weights", name());
  const auto total = weights.sum();
  if (total.item<double>() == 0.0) return logits.sum() * 0.0;
  return 1 - (dice * weights).sum() / total;
}

}  // namespace segkit::losses
