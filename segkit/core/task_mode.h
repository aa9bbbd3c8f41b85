#pragma once
// What a model's output channels mean, one setting that training, metrics, prediction, evaluation
// and the prediction files follow (docs/training.md, "Multiclass"):
//   binary      one channel, sigmoid, a pixel is positive where p > threshold
//   multilabel  K independent channels, sigmoid per channel (Severstal, clouds: classes overlap)
//   multiclass  K exclusive classes, softmax over channels, the label is the argmax (CamVid, ADE);
//               a pixel that belongs to no class (the one-hot mask is all zero: a mask value
//               outside data.class_values) is void and counts nowhere
// Torch-free, so the readers of prediction files (evaluate, submit) share it.

#include <string>

namespace segkit {

enum class TaskMode { kBinary, kMultilabel, kMulticlass };

/// "binary" | "multilabel" | "multiclass"; ConfigError naming `key` and the closest mode otherwise.
TaskMode parse_task_mode(const std::string& name, const std::string& key = "mode");
std::string task_mode_name(TaskMode mode);

/// Class-index label images (8-bit PNG) mark void pixels with this value.
inline constexpr int kVoidLabelValue = 255;

}  // namespace segkit
