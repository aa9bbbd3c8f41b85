#include "segkit/losses/weighted_sum_loss.h"

#include <torch/torch.h>

#include "segkit/core/error.h"

namespace segkit::losses {

WeightedSumLoss::WeightedSumLoss(std::string name, std::vector<Term> terms)
    : name_(std::move(name)), terms_(std::move(terms)) {
  if (terms_.empty()) throw ConfigError(name_ + ": needs at least one term");
  for (const auto& term : terms_) {
    if (!term.first) throw ConfigError(name_ + ": a term is null");
  }
}

torch::Tensor WeightedSumLoss::forward(const torch::Tensor& logits, const torch::Tensor& target) const {
  torch::Tensor total;
  for (const auto& [loss, weight] : terms_) {
    auto value = weight * loss->forward(logits, target);
    total = total.defined() ? total + value : value;
  }
  return total;
}

torch::Tensor WeightedSumLoss::per_class(const torch::Tensor& logits, const torch::Tensor& target) const {
  torch::Tensor total;
  for (const auto& [loss, weight] : terms_) {
    auto values = loss->per_class(logits, target);
    if (!values.defined() || (total.defined() && total.sizes() != values.sizes())) return {};
    total = total.defined() ? total + weight * values : weight * values;
  }
  return total;
}

}  // namespace segkit::losses
