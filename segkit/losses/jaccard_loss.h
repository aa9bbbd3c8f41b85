#pragma once
// SMP's JaccardLoss (losses/jaccard.py): DiceLoss with the soft IoU, I / (I + FP + FN), per class
// over batch and pixels; same modes, options, empty-class rule and aggregation as DiceLoss.
//
//   auto loss = JaccardLoss(DiceOptions{}).forward(logits, masks);

#include "segkit/losses/dice_loss.h"

namespace segkit::losses {

class JaccardLoss : public DiceLoss {
 public:
  explicit JaccardLoss(DiceOptions options = {});

 protected:
  torch::Tensor score(const torch::Tensor& probs, const torch::Tensor& truth,
                      const std::vector<int64_t>& dims) const override;
};

}  // namespace segkit::losses
