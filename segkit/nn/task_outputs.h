#pragma once
// The tensors each task mode (core/task_mode.h) turns logits and masks into. Masks arrive one-hot,
// (N, K, H, W) 0/1 as every reader decodes them; multiclass losses and metrics take class indices.
//
//   auto probabilities = output_probabilities(logits, TaskMode::kMulticlass);   // softmax over K
//   auto target = class_labels(masks);    // (N, H, W) int64, kVoidIndex where no class is set
//   auto counts = confusion_counts(probabilities.argmax(1), target, K);   // void pixels left out

#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "segkit/core/task_mode.h"

namespace segkit::nn {

/// The multiclass target of void pixels: torch's CrossEntropyLoss ignore_index default, and what
/// every segkit loss is told to ignore in multiclass mode.
inline constexpr int64_t kVoidIndex = -100;

/// sigmoid per channel (binary, multilabel) or softmax over channels (multiclass).
torch::Tensor output_probabilities(const torch::Tensor& logits, TaskMode mode);

/// (N, K, H, W) one-hot masks -> (N, H, W) int64 class indices; kVoidIndex where no channel is
/// set (> 0.5). Where a soft or overlapping mask sets several channels, the largest wins.
torch::Tensor class_labels(const torch::Tensor& masks);

/// (N, H, W) class indices -> (N, K, H, W) 0/1 float masks (void and out-of-range indices: all 0).
torch::Tensor one_hot_masks(const torch::Tensor& labels, int64_t classes);

/// 0/1 float masks (N, K, H, W) from probabilities: p > threshold per channel, or for multiclass
/// the argmax channel alone (the threshold does not apply).
torch::Tensor predicted_masks(const torch::Tensor& probabilities, TaskMode mode, double threshold);

/// Row-major K x K pixel counts of (truth, predicted) over the pixels whose truth is not void.
std::vector<int64_t> confusion_counts(const torch::Tensor& predicted, const torch::Tensor& truth, int64_t classes);

}  // namespace segkit::nn
