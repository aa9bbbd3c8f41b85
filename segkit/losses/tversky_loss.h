#pragma once
// SMP's TverskyLoss (losses/tversky.py): DiceLoss with I / (I + alpha*FP + beta*FN), and the
// aggregated loss raised to gamma. alpha = beta = 0.5 is Dice, 1 and 1 Jaccard; beta > alpha
// penalises missed pixels more (small objects).
//
//   TverskyOptions options;
//   options.alpha = 0.3; options.beta = 0.7;
//   auto loss = TverskyLoss(options).forward(logits, masks);

#include "segkit/losses/dice_loss.h"

namespace segkit::losses {

struct TverskyOptions : DiceOptions {
  double alpha = 0.5;  // weight of false positives
  double beta = 0.5;   // weight of false negatives
  double gamma = 1.0;  // exponent of the aggregated loss
};

class TverskyLoss : public DiceLoss {
 public:
  explicit TverskyLoss(TverskyOptions options = {});

 protected:
  torch::Tensor score(const torch::Tensor& probs, const torch::Tensor& truth,
                      const std::vector<int64_t>& dims) const override;
  torch::Tensor aggregate(const torch::Tensor& per_class) const override;

 private:
  double alpha_;
  double beta_;
  double gamma_;
};

}  // namespace segkit::losses
