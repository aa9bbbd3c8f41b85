#pragma once
// A weighted sum of losses, sum_i w_i * loss_i(logits, target): "bce_dice" (the seed pipelines'
// 2.7 * BCE + 0.7 * Dice) and the registry's general "sum". per_class is the same weighted sum of
// the terms' per-class losses when every term has them.
//
//   WeightedSumLoss loss("bce_dice", {{std::make_shared<BceLoss>(), 2.7},
//                                     {std::make_shared<SymmetricDiceLoss>(), 0.7}});

#include <utility>

#include "segkit/losses/loss.h"

namespace segkit::losses {

class WeightedSumLoss : public Loss {
 public:
  using Term = std::pair<LossPtr, double>;

  /// Throws ConfigError when `terms` is empty.
  WeightedSumLoss(std::string name, std::vector<Term> terms);

  torch::Tensor forward(const torch::Tensor& logits, const torch::Tensor& target) const override;
  torch::Tensor per_class(const torch::Tensor& logits, const torch::Tensor& target) const override;
  std::string name() const override { return name_; }
  const std::vector<Term>& terms() const { return terms_; }

 private:
  std::string name_;
  std::vector<Term> terms_;
};

}  // namespace segkit::losses
