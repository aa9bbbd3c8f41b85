#include "segkit/nn/task_outputs.h"

#include <torch/torch.h>

#include "segkit/core/error.h"

namespace segkit::nn {

torch::Tensor output_probabilities(const torch::Tensor& logits, TaskMode mode) {
  return mode == TaskMode::kMulticlass ? torch::softmax(logits, 1) : torch::sigmoid(logits);
}

torch::Tensor class_labels(const torch::Tensor& masks) {
  if (masks.dim() != 4) throw ShapeError("class_labels: masks must be (N, K, H, W)");
  const auto [largest, index] = masks.max(1);
  return torch::where(largest > 0.5, index, torch::full_like(index, kVoidIndex));
}

torch::Tensor one_hot_masks(const torch::Tensor& labels, int64_t classes) {
  const auto valid = (labels >= 0) & (labels < classes);
  auto one_hot = torch::nn::functional::one_hot(torch::where(valid, labels, torch::zeros_like(labels)).to(torch::kLong),
                                                classes);
  one_hot = one_hot * valid.unsqueeze(-1);
  return one_hot.permute({0, 3, 1, 2}).to(torch::kFloat).contiguous();
}

torch::Tensor predicted_masks(const torch::Tensor& probabilities, TaskMode mode, double threshold) {
  if (mode == TaskMode::kMulticlass) return one_hot_masks(probabilities.argmax(1), probabilities.size(1));
  return probabilities.gt(threshold).to(torch::kFloat);
}

std::vector<int64_t> confusion_counts(const torch::Tensor& predicted, const torch::Tensor& truth, int64_t classes) {
  if (predicted.sizes() != truth.sizes()) throw ShapeError("confusion_counts: predicted and truth labels differ in shape");
  const auto truth_flat = truth.reshape(-1).to(torch::kLong).to(torch::kCPU);
  const auto predicted_flat = predicted.reshape(-1).to(torch::kLong).to(torch::kCPU);
  const auto counted = (truth_flat >= 0) & (truth_flat < classes);
  const auto pairs = truth_flat.masked_select(counted) * classes + predicted_flat.masked_select(counted);
  const auto counts = torch::bincount(pairs, {}, classes * classes).to(torch::kLong).contiguous();
  return {counts.data_ptr<int64_t>(), counts.data_ptr<int64_t>() + counts.numel()};
}

}  // namespace segkit::nn
