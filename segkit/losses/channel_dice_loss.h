#pragma once
// Soft Dice per (image, class) channel, averaged over the channels whose truth is not empty: the
// clouds two-stage pipeline's seg2 loss, which learns where a class is and leaves whether it is
// there to seg1. For each channel (n, c) with any positive pixel,
//   dice = (2 * sum_HW(p * t) + smooth) / (sum_HW(p) + sum_HW(t) + smooth), p = sigmoid(x),
// and the loss is 1 - the mean of those dice (weighted by class_weights[c] when given). Empty
// channels contribute nothing, also not through the denominator (unlike `dice_pos`, which keeps
// every image with any positive class and so every empty channel of such an image). A batch without
// a positive channel gives 0 with a zero gradient. Binary and multilabel modes.
//
//   auto loss = ChannelDiceLoss(DiceOptions{}).forward(logits, masks);   // masks (N, C, H, W)

#include "segkit/losses/dice_loss.h"

namespace segkit::losses {

class ChannelDiceLoss : public Loss {
 public:
  explicit ChannelDiceLoss(LossOptions options = {});

  torch::Tensor forward(const torch::Tensor& logits, const torch::Tensor& target) const override;
  std::string name() const override { return "dice_pos_channels"; }

 private:
  LossOptions options_;
};

}  // namespace segkit::losses
