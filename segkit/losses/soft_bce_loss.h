#pragma once
// SMP's SoftBCEWithLogitsLoss (losses/soft_bce.py): BCE on logits against label-smoothed targets
// (1 - t) * s + t * (1 - s), where pixels whose target equals ignore_index (-100 by default, as
// SMP) contribute 0 and still count in the mean. pos_weight is per class (see BceLoss).
//
//   SoftBceOptions options;
//   options.smooth_factor = 0.1;   // [1, 0] -> [0.9, 0.1]
//   auto loss = SoftBceLoss(options).forward(logits, masks);

#include "segkit/losses/loss.h"

namespace segkit::losses {

struct SoftBceOptions {
  /// Label smoothing s in [0, 1); nullopt: none.
  std::optional<double> smooth_factor;
  std::optional<int64_t> ignore_index = -100;
  std::vector<double> pos_weight;
  /// "mean" (true, default) or "sum" (false) of the elementwise losses.
  bool mean = true;
};

class SoftBceLoss : public Loss {
 public:
  explicit SoftBceLoss(SoftBceOptions options = {});

  torch::Tensor forward(const torch::Tensor& logits, const torch::Tensor& target) const override;
  std::string name() const override { return "soft_bce"; }

 private:
  SoftBceOptions options_;
};

}  // namespace segkit::losses
