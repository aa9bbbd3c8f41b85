#pragma once
// Binary cross-entropy on logits (torch.nn.BCEWithLogitsLoss) for binary and multilabel masks,
// with per-class pos_weight and class_weights. Targets may be soft (any value in [0, 1]), so this
// is also the soft-target BCE for pseudo labels and distillation.
//   per_class: the elementwise BCE averaged over (N, H, W) for each channel.
//   forward:   their mean (= the mean over every element, BCEWithLogitsLoss's value), or
//              sum_c w_c * bce_c / sum_c w_c with class_weights.
// pos_weight holds one factor per class for the positive term and is broadcast over channels
// (torch broadcasts a (C) pos_weight over the LAST dimension of NCHW, which is rarely meant).
// from_logits = false takes probabilities (binary_cross_entropy, log clamped at -100 as torch).
//
//   BceOptions options;
//   options.pos_weight = {2.0, 1.0, 1.0, 1.0};
//   auto loss = BceLoss(options).forward(logits, masks);

#include "segkit/losses/loss.h"

namespace segkit::losses {

struct BceOptions : LossOptions {
  /// One factor per class for positive pixels; empty: 1.
  std::vector<double> pos_weight;
};

class BceLoss : public Loss {
 public:
  explicit BceLoss(BceOptions options = {});

  torch::Tensor forward(const torch::Tensor& logits, const torch::Tensor& target) const override;
  torch::Tensor per_class(const torch::Tensor& logits, const torch::Tensor& target) const override;
  std::string name() const override { return "bce"; }

 private:
  BceOptions options_;
};

}  // namespace segkit::losses
