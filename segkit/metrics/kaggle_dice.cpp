#include "segkit/metrics/kaggle_dice.h"

#include <torch/torch.h>

#include "segkit/core/error.h"

namespace segkit::metrics {
namespace {

// 2tp / (2tp + fp + fn), i.e. 2|P & T| / (|P| + |T|), with empty/empty = 1.
torch::Tensor dice_of_counts(const torch::Tensor& tp, const torch::Tensor& fp, const torch::Tensor& fn) {
  auto intersection = 2.0 * tp.to(torch::kDouble);
  auto total = intersection + (fp + fn).to(torch::kDouble);
  return torch::where(total > 0, intersection / total.clamp_min(1), torch::ones_like(total));
}

void require_stats(const Stats& stats, const char* what) {
  if (stats.images() == 0) throw ShapeError(std::string(what) + ": no images in the confusion stats");
}

}  // namespace

KaggleDice kaggle_dice(const Stats& stats) {
  require_stats(stats, "kaggle_dice");
  KaggleDice result;
  result.per_image_class = dice_of_counts(stats.tp, stats.fp, stats.fn);
  result.mean = result.per_image_class.mean().item<double>();
  return result;
}

PosNegDice pos_neg_dice(const Stats& stats) {
  require_stats(stats, "pos_neg_dice");
  const auto tp = stats.tp.sum(1), fp = stats.fp.sum(1), fn = stats.fn.sum(1);
  PosNegDice result;
  result.positive = (tp + fn) > 0;
  // An empty truth scores 1 only for an empty prediction, which dice_of_counts already gives
  // (0/0 -> 1, any false positive -> 0).
  result.per_image = dice_of_counts(tp, fp, fn);
  result.mean = result.per_image.mean().item<double>();
  result.num_pos = result.positive.sum().item<int64_t>();
  result.num_neg = stats.images() - result.num_pos;
  if (result.num_pos > 0) result.pos_mean = result.per_image.masked_select(result.positive).mean().item<double>();
  if (result.num_neg > 0) result.neg_mean = result.per_image.masked_select(~result.positive).mean().item<double>();
  return result;
}

}  // namespace segkit::metrics
