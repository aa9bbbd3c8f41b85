#include "segkit/losses/cross_entropy_loss.h"

#include <torch/nn/functional/loss.h>
#include <torch/torch.h>

#include "segkit/core/error.h"

namespace segkit::losses {

CrossEntropyLoss::CrossEntropyLoss(CrossEntropyOptions options) : options_(std::move(options)) {
  if (options_.label_smoothing < 0 || options_.label_smoothing > 1) {
    throw ConfigError("cross_entropy: label_smoothing must be in [0, 1]");
  }
}

torch::Tensor CrossEntropyLoss::forward(const torch::Tensor& logits, const torch::Tensor& target) const {
  namespace F = torch::nn::functional;
  auto labels = class_index_target(logits, target, name());
  auto func =
      F::CrossEntropyFuncOptions().ignore_index(options_.ignore_index).label_smoothing(options_.label_smoothing);
  if (!options_.class_weights.empty()) {
    if (static_cast<int64_t>(options_.class_weights.size()) != logits.size(1)) {
      throw ShapeError("cross_entropy: class_weights has " + std::to_string(options_.class_weights.size()) +
                       " entries for " + std::to_string(logits.size(1)) + " classes; give one per class");
    }
    func.weight(torch::tensor(options_.class_weights, logits.options()));
  }
  return F::cross_entropy(logits, labels, func);
}

}  // namespace segkit::losses
