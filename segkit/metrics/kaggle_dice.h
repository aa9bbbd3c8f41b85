#pragma once
// The Dice scores Kaggle segmentation competitions and the seed pipelines report, from confusion
// stats (so a StatsMeter accumulates them exactly over an epoch):
//   kaggle_dice   per (image, class): 2|P & T| / (|P| + |T|), 1 when both are empty; the
//                 leaderboard metric is the mean over all pairs (Severstal, Understanding Clouds).
//   pos_neg_dice  per image over all classes together: an image with an empty truth scores
//                 dice_neg = 1 if nothing is predicted else 0; any other image dice_pos =
//                 2|P & T| / (|P| + |T|). Reported: their mean over images, and the means of the
//                 pos and neg images separately (the seed pipelines' dice_pos / dice_neg).
// Values are float64. The seed pipelines binarise with p > 0.5: build the stats with
// StatsOptions{threshold 0.5, strict true}; SMP's get_stats uses p >= 0.5.
//
//   StatsOptions options;
//   options.threshold = 0.5; options.strict = true;
//   auto dice = kaggle_dice(get_stats(torch::sigmoid(logits), masks, Mode::kMultilabel, options));

#include <optional>

#include "segkit/metrics/confusion_stats.h"

namespace segkit::metrics {

struct KaggleDice {
  torch::Tensor per_image_class;  // (N, C) float64
  double mean = 0;                // over all (image, class) pairs
};

/// Throws ShapeError for empty stats.
KaggleDice kaggle_dice(const Stats& stats);

struct PosNegDice {
  torch::Tensor per_image;  // (N) float64: dice_pos or dice_neg of each image
  torch::Tensor positive;   // (N) bool: the truth is not empty
  double mean = 0;          // over all images
  std::optional<double> pos_mean;  // nullopt when no image has a positive truth
  std::optional<double> neg_mean;  // nullopt when every image has one
  int64_t num_pos = 0;
  int64_t num_neg = 0;
};

/// Throws ShapeError for empty stats.
PosNegDice pos_neg_dice(const Stats& stats);

}  // namespace segkit::metrics
