#pragma once
// Confusion counts per image and class, SMP's metrics.get_stats (metrics/functional.py): every
// score in this room is computed from them, so metrics are "stats first, then a reduction".
//   binary      output/target (N, 1, ...)
//   multilabel  output/target (N, C, ...)
//   multiclass  output/target (N, ...) class indices; needs num_classes
// Float outputs need a threshold: positive where output >= threshold (SMP); `strict` uses
// output > threshold instead, the seed pipelines' rule (a probability of exactly 0.5 is then
// negative). Targets are binarised the same way when they are floating point (SMP requires
// integer targets; 0/1 floats give the same counts).
//
//   StatsOptions options;
//   options.threshold = 0.5;
//   Stats s = get_stats(torch::sigmoid(logits), masks, Mode::kMultilabel, options);
//   auto iou = iou_score(s, {Reduction::kMicro});
//
// Throws ConfigError for inconsistent options and ShapeError for shapes that differ.

#include <torch/types.h>

#include <optional>
#include <string>

#include "segkit/core/task_mode.h"

namespace segkit::metrics {

/// The task's mode (core/task_mode.h), as SMP's get_stats names it.
using Mode = ::segkit::TaskMode;

/// "binary" | "multiclass" | "multilabel"; throws ConfigError naming the closest mode otherwise.
inline Mode parse_mode(const std::string& name) { return parse_task_mode(name, "metric mode"); }

struct StatsOptions {
  /// Binarisation threshold for float outputs (binary, multilabel); nullopt: outputs are 0/1 ints.
  std::optional<double> threshold;
  /// Positive where value > threshold instead of >= (the seed pipelines' Kaggle Dice).
  bool strict = false;
  /// Multiclass only: target label whose pixels count nowhere; must lie outside 0..C-1.
  std::optional<int64_t> ignore_index;
  /// Multiclass only: number of classes C.
  std::optional<int64_t> num_classes;
};

/// tp, fp, fn, tn: (N, C) int64 on the CPU.
struct Stats {
  torch::Tensor tp, fp, fn, tn;

  int64_t images() const { return tp.defined() ? tp.size(0) : 0; }
  int64_t classes() const { return tp.defined() ? tp.size(1) : 0; }
  /// The images of `this` followed by those of `other` (the counts of a concatenated batch).
  Stats cat(const Stats& other) const;
};

Stats get_stats(const torch::Tensor& output, const torch::Tensor& target, Mode mode, const StatsOptions& options = {});

/// 1 where value >= threshold (value > threshold when strict), else 0, as int64.
torch::Tensor binarize(const torch::Tensor& values, double threshold, bool strict = false);

}  // namespace segkit::metrics
