#pragma once
// SMP's LovaszLoss (losses/lovasz.py, Berman et al. 2018): a convex surrogate of the Jaccard loss.
//   binary / multilabel: Lovasz hinge on the logits; multilabel flattens every channel together,
//                        as SMP does (not one hinge per class).
//   multiclass:          Lovasz-Softmax over the softmax probabilities, mean over the classes
//                        present in the target.
// per_image = false (default): one loss over the whole batch; true: the mean of per-image losses.
// SMP ignores from_logits here (the hinge needs logits); so do we. ignore_index pixels are dropped.
//
//   LovaszOptions options;
//   options.per_image = true;
//   auto loss = LovaszLoss(options).forward(logits, masks);

#include "segkit/losses/loss.h"

namespace segkit::losses {

struct LovaszOptions : LossOptions {
  bool per_image = false;
};

class LovaszLoss : public Loss {
 public:
  explicit LovaszLoss(LovaszOptions options = {});

  torch::Tensor forward(const torch::Tensor& logits, const torch::Tensor& target) const override;
  std::string name() const override { return "lovasz"; }

 private:
  torch::Tensor one_batch(const torch::Tensor& logits, const torch::Tensor& target) const;

  LovaszOptions options_;
};

}  // namespace segkit::losses
