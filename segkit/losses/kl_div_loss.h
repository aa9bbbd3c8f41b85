#pragma once
// KL divergence to soft labels (pseudo labels, teacher probabilities, averaged annotators):
//   multiclass:          target (N, C, H, W) class probabilities; sum_c t_c * log(t_c / softmax(x)_c)
//                        per pixel, mean over pixels (torch kl_div with log_softmax inputs).
//   binary / multilabel: target in [0, 1] per channel; the Bernoulli KL per element, which is the
//                        soft-target BCE minus the target's entropy (same gradient as BCE, and 0
//                        when the prediction equals the target); mean over (N, H, W) per class.
// temperature T divides the logits and multiplies the loss by T^2 (Hinton's distillation).
//
//   KlDivOptions options;
//   options.mode = Mode::kMulticlass;
//   auto loss = KlDivLoss(options).forward(student_logits, teacher_probs);

#include "segkit/losses/loss.h"

namespace segkit::losses {

struct KlDivOptions : LossOptions {
  double temperature = 1.0;
};

class KlDivLoss : public Loss {
 public:
  explicit KlDivLoss(KlDivOptions options = {});

  torch::Tensor forward(const torch::Tensor& logits, const torch::Tensor& target) const override;
  /// (C) per-class values in binary/multilabel mode; undefined in multiclass mode.
  torch::Tensor per_class(const torch::Tensor& logits, const torch::Tensor& target) const override;
  std::string name() const override { return "kl_div"; }

 private:
  KlDivOptions options_;
};

}  // namespace segkit::losses
