#include "segkit/losses/loss.h"

#include <torch/torch.h>

#include <sstream>

#include "segkit/core/error.h"
#include "segkit/core/strings.h"

namespace segkit::losses {
namespace {

std::string shape_of(const torch::Tensor& tensor) {
  std::ostringstream out;
  out << tensor.sizes();
  return out.str();
}

}  // namespace

torch::Tensor Loss::per_class(const torch::Tensor&, const torch::Tensor&) const { return {}; }

torch::Tensor reduce_classes(const torch::Tensor& per_class, const std::vector<double>& class_weights) {
  if (class_weights.empty()) return per_class.mean();
  if (static_cast<int64_t>(class_weights.size()) != per_class.numel()) {
    throw ShapeError("class_weights has " + std::to_string(class_weights.size()) + " entries but the loss has " +
                     std::to_string(per_class.numel()) + " classes; give one weight per output channel");
  }
  // float32 weights as SMP's to_tensor(class_weights, dtype=torch.float).
  auto weights = torch::tensor(std::vector<float>(class_weights.begin(), class_weights.end()))
                     .to(per_class.device(), per_class.scalar_type());
  return (per_class * weights).sum() / weights.sum();
}

void check_class_weights(const LossOptions& options, const std::string& loss_name) {
  if (!options.class_weights.empty() && options.mode == Mode::kBinary) {
    throw ConfigError(loss_name + ": class_weights are not supported with mode binary (one class); "
                      "drop them or use mode multilabel");
  }
  for (double weight : options.class_weights) {
    if (weight < 0) throw ConfigError(loss_name + ": class_weights must be >= 0");
  }
}

torch::Tensor channel_values(const std::vector<double>& values, const torch::Tensor& like, const std::string& what,
                             const std::string& loss_name) {
  if (like.dim() < 2 || static_cast<int64_t>(values.size()) != like.size(1)) {
    throw ShapeError(loss_name + ": " + what + " has " + std::to_string(values.size()) + " entries for " +
                     std::to_string(like.dim() < 2 ? 0 : like.size(1)) + " channels; give one per channel");
  }
  std::vector<int64_t> shape(like.dim(), 1);
  shape[1] = like.size(1);
  return torch::tensor(values, like.options()).reshape(shape);
}

torch::Tensor target_like_logits(const torch::Tensor& logits, const torch::Tensor& target,
                                 const std::string& loss_name) {
  if (target.sizes() == logits.sizes()) return target;
  if (logits.dim() == target.dim() + 1 && logits.size(1) == 1 && target.numel() == logits.numel() &&
      target.size(0) == logits.size(0)) {
    return target.unsqueeze(1);
  }
  throw ShapeError(loss_name + ": target shape " + shape_of(target) + " does not match logits " + shape_of(logits) +
                   "; binary/multilabel targets are (N, C, H, W) like the logits, or (N, H, W) for one channel");
}

torch::Tensor class_index_target(const torch::Tensor& logits, const torch::Tensor& target,
                                 const std::string& loss_name) {
  auto indices = target;
  if (indices.dim() == logits.dim() && indices.size(1) == 1) indices = indices.squeeze(1);
  const bool fits = logits.dim() >= 2 && indices.dim() == logits.dim() - 1 && indices.size(0) == logits.size(0) &&
                    indices.sizes().slice(1) == logits.sizes().slice(2);
  if (!fits) {
    throw ShapeError(loss_name + ": multiclass target shape " + shape_of(target) + " does not match logits " +
                     shape_of(logits) + "; the target holds class indices, (N, H, W) for logits (N, C, H, W)");
  }
  return indices.to(torch::kLong);
}

}  // namespace segkit::losses
