#include "segkit/metrics/scores.h"

#include <torch/torch.h>

#include <functional>
#include <utility>

#include "segkit/core/error.h"
#include "segkit/core/strings.h"

namespace segkit::metrics {
namespace {

using ScoreFn = std::function<torch::Tensor(const torch::Tensor&, const torch::Tensor&, const torch::Tensor&,
                                            const torch::Tensor&)>;

torch::Tensor zero_division_to(const torch::Tensor& score, double value) {
  return torch::where(torch::isnan(score), torch::full_like(score, value), score);
}

torch::Tensor compute_metric(const ScoreFn& fn, const Stats& stats, const ScoreOptions& options) {
  if (!stats.tp.defined()) throw ShapeError("scores: no confusion stats (empty epoch?)");
  const bool weighted = options.reduction == Reduction::kWeighted || options.reduction == Reduction::kWeightedImagewise;
  if (weighted && options.class_weights.empty()) {
    throw ConfigError("scores: class_weights are needed for a weighted reduction");
  }
  torch::Tensor weights = torch::ones({1});
  if (!options.class_weights.empty()) {
    if (static_cast<int64_t>(options.class_weights.size()) != stats.classes()) {
      throw ShapeError("scores: " + std::to_string(options.class_weights.size()) + " class_weights for " +
                       std::to_string(stats.classes()) + " classes");
    }
    weights = torch::tensor(std::vector<float>(options.class_weights.begin(), options.class_weights.end()));
  }
  weights = weights / weights.sum();
  // The counts stay int64 through the sums and the score's own additions; `/` then divides them
  // into float32, exactly as SMP's true division of integer tensors does.
  const auto &tp = stats.tp, &fp = stats.fp, &fn_ = stats.fn, &tn = stats.tn;
  const double zero = options.zero_division;
  switch (options.reduction) {
    case Reduction::kMicro:
      return zero_division_to(fn(tp.sum(), fp.sum(), fn_.sum(), tn.sum()), zero);
    case Reduction::kMacro:
      return (zero_division_to(fn(tp.sum(0), fp.sum(0), fn_.sum(0), tn.sum(0)), zero) * weights).mean();
    case Reduction::kWeighted:
      return (zero_division_to(fn(tp.sum(0), fp.sum(0), fn_.sum(0), tn.sum(0)), zero) * weights).sum();
    case Reduction::kMicroImagewise:
      return zero_division_to(fn(tp.sum(1), fp.sum(1), fn_.sum(1), tn.sum(1)), zero).mean();
    case Reduction::kMacroImagewise:
    case Reduction::kWeightedImagewise:
      return (zero_division_to(fn(tp, fp, fn_, tn), zero).mean(0) * weights).mean();
    case Reduction::kNone:
      break;
  }
  return zero_division_to(fn(tp, fp, fn_, tn), zero);
}

ScoreFn fbeta(double beta) {
  return [beta](const torch::Tensor& tp, const torch::Tensor& fp, const torch::Tensor& fn, const torch::Tensor&) {
    auto beta_tp = (1 + beta * beta) * tp;
    return beta_tp / (beta_tp + beta * beta * fn + fp);
  };
}

}  // namespace

Reduction parse_reduction(const std::string& name) {
  static const std::vector<std::pair<std::string, Reduction>> kNames{
      {"micro", Reduction::kMicro},
      {"macro", Reduction::kMacro},
      {"weighted", Reduction::kWeighted},
      {"micro-imagewise", Reduction::kMicroImagewise},
      {"macro-imagewise", Reduction::kMacroImagewise},
      {"weighted-imagewise", Reduction::kWeightedImagewise},
      {"none", Reduction::kNone}};
  std::vector<std::string> names;
  for (const auto& [text, reduction] : kNames) {
    if (text == name) return reduction;
    names.push_back(text);
  }
  throw ConfigError("unknown reduction '" + name + "'" + did_you_mean(name, names) + "; valid: " + join(names, ", "));
}

torch::Tensor iou_score(const Stats& stats, const ScoreOptions& options) {
  return compute_metric([](auto& tp, auto& fp, auto& fn, auto&) { return tp / (tp + fp + fn); }, stats, options);
}

torch::Tensor f1_score(const Stats& stats, const ScoreOptions& options) {
  return compute_metric(fbeta(1.0), stats, options);
}

torch::Tensor fbeta_score(const Stats& stats, double beta, const ScoreOptions& options) {
  return compute_metric(fbeta(beta), stats, options);
}

torch::Tensor precision(const Stats& stats, const ScoreOptions& options) {
  return compute_metric([](auto& tp, auto& fp, auto&, auto&) { return tp / (tp + fp); }, stats, options);
}

torch::Tensor recall(const Stats& stats, const ScoreOptions& options) {
  return compute_metric([](auto& tp, auto&, auto& fn, auto&) { return tp / (tp + fn); }, stats, options);
}

torch::Tensor specificity(const Stats& stats, const ScoreOptions& options) {
  return compute_metric([](auto&, auto& fp, auto&, auto& tn) { return tn / (tn + fp); }, stats, options);
}

torch::Tensor accuracy(const Stats& stats, const ScoreOptions& options) {
  return compute_metric([](auto& tp, auto& fp, auto& fn, auto& tn) { return (tp + tn) / (tp + fp + fn + tn); },
                        stats, options);
}

torch::Tensor score_by_name(const std::string& name, const Stats& stats, const ScoreOptions& options, double beta) {
  if (name == "iou") return iou_score(stats, options);
  if (name == "f1" || name == "dice") return f1_score(stats, options);
  if (name == "fbeta") return fbeta_score(stats, beta, options);
  if (name == "precision") return precision(stats, options);
  if (name == "recall") return recall(stats, options);
  if (name == "specificity") return specificity(stats, options);
  if (name == "accuracy") return accuracy(stats, options);
  const std::vector<std::string> names{"iou", "f1", "dice", "fbeta", "precision", "recall", "specificity", "accuracy"};
  throw ConfigError("unknown score '" + name + "'" + did_you_mean(name, names) + "; valid: " + join(names, ", "));
}

}  // namespace segkit::metrics
