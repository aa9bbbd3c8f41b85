#pragma once
// Pixel counts of (true class, predicted class) for multiclass segmentation, and the scores the
// street-scene benchmarks report from them (void pixels are never added):
//   iou(k)          TP / (TP + FP + FN) of class k; NaN when k is in neither truth nor prediction
//   dice(k)         2TP / (2TP + FP + FN), the per-class F1; NaN likewise
//   mean_iou()      mean of iou(k) over the classes where it is defined (mIoU, as mmsegmentation
//                   and SMP's get_stats + iou_score(reduction="macro") over a dataset)
//   pixel_accuracy  correctly labelled pixels / all counted pixels
// Torch-free: the trainer fills it from tensors, `segkit evaluate` from label images.
//
//   ConfusionMatrix matrix(11);
//   matrix.add(truth_label, predicted_label);   // one pixel; or add_counts for a whole batch
//   double miou = matrix.mean_iou();

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace segkit {

class ConfusionMatrix {
 public:
  explicit ConfusionMatrix(int64_t classes = 0);

  int64_t classes() const { return classes_; }
  /// counts(truth, predicted)
  int64_t count(int64_t truth, int64_t predicted) const { return counts_[static_cast<size_t>(truth * classes_ + predicted)]; }
  const std::vector<int64_t>& counts() const { return counts_; }

  void add(int64_t truth, int64_t predicted, int64_t pixels = 1);
  /// Row-major classes x classes counts (e.g. a bincount of truth * classes + predicted).
  void add_counts(const std::vector<int64_t>& counts);
  void add(const ConfusionMatrix& other) { add_counts(other.counts_); }

  int64_t total() const;
  int64_t truth_pixels(int64_t k) const;
  int64_t predicted_pixels(int64_t k) const;
  double iou(int64_t k) const;
  double dice(int64_t k) const;
  double mean_iou() const;
  double mean_dice() const;
  double pixel_accuracy() const;

  /// Rows of counts, for log.jsonl and evaluation files.
  nlohmann::json to_json() const;
  /// ConfigError when `value` is not a square array of non-negative integers.
  static ConfusionMatrix from_json(const nlohmann::json& value);

 private:
  int64_t classes_;
  std::vector<int64_t> counts_;
};

}  // namespace segkit
