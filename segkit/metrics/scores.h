#pragma once
// Scores from confusion stats with an explicit reduction, SMP's metrics (metrics/functional.py):
//   micro              sum tp/fp/fn/tn over images and classes, then the score
//   macro              sum over images per class, score per class, mean over classes
//   weighted           as macro, weighted by class_weights (normalised to sum 1)
//   micro-imagewise    sum over classes per image, score per image, mean over images
//   macro-imagewise    score per (image, class), mean over images, then over classes
//   weighted-imagewise SMP computes it as macro-imagewise scaled by class_weights / sum / C
//   none               the (N, C) matrix of per-(image, class) scores
// 0/0 becomes zero_division (1 by default, as SMP). SMP leaves 0/0 as NaN under micro; we apply
// zero_division there too, so an epoch with nothing to find scores 1 rather than NaN.
// Scores are float32 tensors (scalars, or (N, C) for none), computed as SMP does.
//
//   auto f1 = f1_score(stats, {Reduction::kMacroImagewise});
//   double iou = iou_score(stats, {Reduction::kMicro}).item<double>();

#include <string>
#include <utility>
#include <vector>

#include "segkit/metrics/confusion_stats.h"

namespace segkit::metrics {

enum class Reduction { kMicro, kMacro, kWeighted, kMicroImagewise, kMacroImagewise, kWeightedImagewise, kNone };

/// SMP's spellings ("micro", "macro-imagewise", "none", ...); throws ConfigError naming the closest.
Reduction parse_reduction(const std::string& name);

struct ScoreOptions {
  // Implicit, so `iou_score(stats, Reduction::kMicro)` and `{Reduction::kMicro}` read naturally.
  ScoreOptions(Reduction reduction_ = Reduction::kNone, std::vector<double> class_weights_ = {},
               double zero_division_ = 1.0)
      : reduction(reduction_), class_weights(std::move(class_weights_)), zero_division(zero_division_) {}

  Reduction reduction = Reduction::kNone;
  /// Needed by the weighted reductions; optional for macro (SMP then scales by w / sum(w)).
  std::vector<double> class_weights;
  double zero_division = 1.0;
};

torch::Tensor iou_score(const Stats& stats, const ScoreOptions& options = {});
/// F1 = Dice = 2tp / (2tp + fp + fn).
torch::Tensor f1_score(const Stats& stats, const ScoreOptions& options = {});
torch::Tensor fbeta_score(const Stats& stats, double beta, const ScoreOptions& options = {});
/// tp / (tp + fp), SMP's positive_predictive_value.
torch::Tensor precision(const Stats& stats, const ScoreOptions& options = {});
/// tp / (tp + fn), SMP's sensitivity.
torch::Tensor recall(const Stats& stats, const ScoreOptions& options = {});
torch::Tensor specificity(const Stats& stats, const ScoreOptions& options = {});
/// (tp + tn) / (tp + fp + fn + tn).
torch::Tensor accuracy(const Stats& stats, const ScoreOptions& options = {});

/// A score by name: iou, f1, dice (= f1), fbeta (with `beta`), precision, recall, specificity,
/// accuracy. Throws ConfigError naming the closest for other names.
torch::Tensor score_by_name(const std::string& name, const Stats& stats, const ScoreOptions& options = {},
                            double beta = 1.0);

}  // namespace segkit::metrics
