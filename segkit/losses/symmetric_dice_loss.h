#pragma once
// The seed pipelines' Dice loss: the soft Dice of the foreground AND of the background of each
// class, per image, averaged; loss_c = 1 - mean over (image, {fg, bg}) of
// 2 * sum_HW(P*T) / (sum_HW(P + T) + eps), with P = [p, 1 - p], T = [t, 1 - t], p = sigmoid(x).
// Unlike SMP's DiceLoss it is per image and defined for empty masks (the background term then
// rewards predicting nothing), so no class is masked out. Binary and multilabel modes.
// forward: the mean of loss_c, or sum_c w_c * loss_c / sum_c w_c with class_weights.
//
//   auto loss = SymmetricDiceLoss(LossOptions{}).forward(logits, masks);   // masks (N, C, H, W)

#include "segkit/losses/loss.h"

namespace segkit::losses {

class SymmetricDiceLoss : public Loss {
 public:
  explicit SymmetricDiceLoss(LossOptions options = {});

  torch::Tensor forward(const torch::Tensor& logits, const torch::Tensor& target) const override;
  torch::Tensor per_class(const torch::Tensor& logits, const torch::Tensor& target) const override;
  std::string name() const override { return "symmetric_dice"; }

 private:
  LossOptions options_;
};

}  // namespace segkit::losses
