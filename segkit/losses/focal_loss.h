#pragma once
// SMP's FocalLoss (losses/focal.py): the binary focal loss bce * (1 - pt)^gamma per class, with
// pt = exp(-bce), each class averaged over its pixels, then the mean (or class-weighted mean)
// over classes. Multiclass mode is one-vs-rest on the logits (SMP's definition, not a softmax).
// binary: one value over all pixels. from_logits = false takes probabilities (clamped to
// [eps, 1 - eps] and turned into logits). ignore_index pixels are left out of the means.
//
//   FocalOptions options;
//   options.gamma = 2.0;                     // alpha unset: no positive/negative balancing
//   auto loss = FocalLoss(options).forward(logits, masks);

#include "segkit/losses/functional.h"
#include "segkit/losses/loss.h"

namespace segkit::losses {

struct FocalOptions : LossOptions {
  /// Weight of positives in [0, 1]; nullopt (SMP's default here) disables balancing.
  std::optional<double> alpha;
  double gamma = 2.0;
  bool normalized = false;
  std::optional<double> reduced_threshold;
  /// "mean" (default) or "sum" of each class's elementwise losses.
  FocalReduction reduction = FocalReduction::kMean;
};

class FocalLoss : public Loss {
 public:
  explicit FocalLoss(FocalOptions options = {});

  torch::Tensor forward(const torch::Tensor& logits, const torch::Tensor& target) const override;
  /// (C) per-class focal losses; (1) in binary mode.
  torch::Tensor per_class(const torch::Tensor& logits, const torch::Tensor& target) const override;
  std::string name() const override { return "focal"; }

 private:
  FocalOptions options_;
  FocalTerms terms_;
};

}  // namespace segkit::losses
