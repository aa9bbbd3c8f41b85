#pragma once
// torch.nn.CrossEntropyLoss for multiclass masks: logits (N, C, H, W), target (N, H, W) class
// indices. class_weights are torch's `weight` (the mean is weighted by the weight of each pixel's
// true class), ignore_index defaults to -100 as torch, label_smoothing mixes in the uniform
// distribution (torch >= 1.10).
//
//   CrossEntropyOptions options;
//   options.class_weights = {0.2, 1.0, 1.0};
//   auto loss = CrossEntropyLoss(options).forward(logits, labels);

#include "segkit/losses/loss.h"

namespace segkit::losses {

struct CrossEntropyOptions {
  std::vector<double> class_weights;
  int64_t ignore_index = -100;
  double label_smoothing = 0.0;
};

class CrossEntropyLoss : public Loss {
 public:
  explicit CrossEntropyLoss(CrossEntropyOptions options = {});

  torch::Tensor forward(const torch::Tensor& logits, const torch::Tensor& target) const override;
  std::string name() const override { return "cross_entropy"; }

 private:
  CrossEntropyOptions options_;
};

}  // namespace segkit::losses
