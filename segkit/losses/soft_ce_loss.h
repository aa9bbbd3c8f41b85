#pragma once
// SMP's SoftCrossEntropyLoss (losses/soft_ce.py): cross-entropy with label smoothing,
// (1 - s) * nll + s / C * sum_c(-log p_c), averaged over every pixel; ignore_index pixels
// (-100 by default) contribute 0 and still count in the mean, as in SMP. SMP's default
// smooth_factor=None crashes; here it defaults to 0 (plain cross-entropy).
//
//   SoftCeOptions options;
//   options.smooth_factor = 0.1;
//   auto loss = SoftCeLoss(options).forward(logits, labels);   // labels (N, H, W)

#include "segkit/losses/loss.h"

namespace segkit::losses {

struct SoftCeOptions {
  double smooth_factor = 0.0;
  std::optional<int64_t> ignore_index = -100;
};

class SoftCeLoss : public Loss {
 public:
  explicit SoftCeLoss(SoftCeOptions options = {});

  torch::Tensor forward(const torch::Tensor& logits, const torch::Tensor& target) const override;
  std::string name() const override { return "soft_ce"; }

 private:
  SoftCeOptions options_;
};

}  // namespace segkit::losses
