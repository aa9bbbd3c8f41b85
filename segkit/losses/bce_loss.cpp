#include "segkit/losses/bce_loss.h"

#include <torch/nn/functional/loss.h>
#include <torch/torch.h>

#include "segkit/core/error.h"

namespace segkit::losses {

BceLoss::BceLoss(BceOptions options) : options_(std::move(options)) {
  if (options_.mode == Mode::kMulticlass) {
    throw ConfigError("bce: mode multiclass is not supported (one sigmoid per channel); "
                      "use cross_entropy or soft_ce for class-index targets");
  }
  check_class_weights(options_, name());
  if (options_.ignore_index) throw ConfigError("bce: ignore_index is not supported; use soft_bce");
  if (!options_.pos_weight.empty() && !options_.from_logits) {
    throw ConfigError("bce: pos_weight needs from_logits = true");
  }
}

torch::Tensor BceLoss::forward(const torch::Tensor& logits, const torch::Tensor& target) const {
  return reduce_classes(per_class(logits, target), options_.class_weights);
}

torch::Tensor BceLoss::per_class(const torch::Tensor& logits, const torch::Tensor& target) const {
  namespace F = torch::nn::functional;
  auto truth = target_like_logits(logits, target, name()).to(logits.scalar_type());
  torch::Tensor elementwise;
  if (options_.from_logits) {
    auto func = F::BinaryCrossEntropyWithLogitsFuncOptions().reduction(torch::kNone);
    if (!options_.pos_weight.empty()) {
      func.pos_weight(channel_values(options_.pos_weight, logits, "pos_weight", name()));
    }
    elementwise = F::binary_cross_entropy_with_logits(logits, truth, func);
  } else {
    elementwise = F::binary_cross_entropy(logits, truth, F::BinaryCrossEntropyFuncOptions().reduction(torch::kNone));
  }
  std::vector<int64_t> dims;
  for (int64_t d = 0; d < elementwise.dim(); ++d) {
    if (d != 1) dims.push_back(d);
  }
  return elementwise.mean(dims);
}

}  // namespace segkit::losses
