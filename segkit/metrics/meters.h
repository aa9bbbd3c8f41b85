#pragma once
// Running meters for an epoch, flashlight-style add / value / reset:
//   AverageMeter  the sample-weighted mean of per-batch values (losses).
//   StatsMeter    the confusion stats of every image seen, so any score or reduction of the epoch
//                 (micro, imagewise, Kaggle Dice, dice_pos/neg) equals that of the concatenated
//                 batches, not a mean of per-batch scores.
//
//   StatsMeter meter(Mode::kMultilabel, options);
//   for (auto& batch : loader) meter.add(torch::sigmoid(model->forward(batch.images)), batch.masks);
//   double iou = iou_score(meter.stats(), {Reduction::kMicro}).item<double>();

#include "segkit/metrics/confusion_stats.h"

namespace segkit::metrics {

class AverageMeter {
 public:
  /// `value` is the mean over `count` samples (a batch mean and the batch size).
  void add(double value, int64_t count = 1);
  /// 0 before the first add.
  double value() const { return count_ > 0 ? sum_ / static_cast<double>(count_) : 0.0; }
  int64_t count() const { return count_; }
  void reset();

 private:
  double sum_ = 0;
  int64_t count_ = 0;
};

class StatsMeter {
 public:
  explicit StatsMeter(Mode mode, StatsOptions options = {});

  /// get_stats(output, target) appended; shapes and options as get_stats.
  void add(const torch::Tensor& output, const torch::Tensor& target);
  void add(const Stats& stats);
  /// Per-image stats of everything added since the last reset (empty Stats before any add).
  const Stats& stats() const { return stats_; }
  int64_t images() const { return stats_.images(); }
  void reset() { stats_ = Stats{}; }

 private:
  Mode mode_;
  StatsOptions options_;
  Stats stats_;
};

}  // namespace segkit::metrics
