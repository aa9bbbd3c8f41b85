#pragma once
// What one epoch (training or validation) reports in log.jsonl: the mean loss and the Kaggle
// segmentation scores from confusion stats accumulated over every image seen, per class and
// overall, plus the classification head's scores when the model has one (a classifier reports
// only the loss and these).
//
//   {"loss": 0.31, "dice": 0.82, "dice_per_class": {"membrane": 0.78, ...}, "iou": 0.70,
//    "iou_per_class": {...}, "dice_pos": 0.74, "dice_neg": 0.95,
//    "cls_accuracy": 0.9, "cls_auc": 0.93, "cls_auc_per_class": {...}, "cls_f1": 0.81, "cls_f1_per_class": {...}}
//
// cls_* score "class present" (any mask pixel) per image: accuracy and F1 at p > threshold, ROC AUC
// per class (null where the images all have, or all lack, the class) and their means over classes.
//
// dice is the competitions' mean Dice over (image, class) pairs with empty/empty = 1; iou is
// SMP's micro IoU; dice_pos / dice_neg are the seed pipelines' image-level scores. Pixels are
// positive where the probability is > threshold (the seed pipelines' rule).
//
// Multiclass (softmax, argmax labels, void pixels left out) reports from the epoch's confusion
// matrix (core/confusion_matrix.h) instead:
//   {"loss": 0.6, "iou": 0.58 (mean IoU over classes), "iou_per_class": {...}, "dice": 0.69 (mean
//    per-class Dice), "dice_per_class": {...}, "pixel_accuracy": 0.88}; the matrix itself is
//    confusion() (the trainer writes the best epoch's to confusion_matrix.json and the report)
// A class found in neither truth nor prediction has no IoU (null) and is left out of the means.

#include <torch/serialize/archive.h>
#include <torch/types.h>

#include <string>
#include <vector>

#include "segkit/config/yaml_loader.h"
#include "segkit/core/confusion_matrix.h"
#include "segkit/core/task_mode.h"
#include "segkit/metrics/classification.h"
#include "segkit/metrics/meters.h"

namespace segkit::train {

class EpochMetrics {
 public:
  EpochMetrics(std::vector<std::string> class_names, double threshold, TaskMode mode = TaskMode::kMultilabel);

  /// One batch: mask logits (N, K, H, W), 0/1 masks, the batch's mean loss; optionally the
  /// classification head's logits (N, K) and labels. A classifier passes undefined mask logits.
  void add(const torch::Tensor& mask_logits, const torch::Tensor& masks, double loss,
           const torch::Tensor& label_logits = {}, const torch::Tensor& labels = {});
  /// A batch whose loss was not finite and was skipped (counted, not averaged).
  void add_skipped() { ++skipped_; }

  config::json summary() const;
  int64_t images() const { return images_; }
  /// Multiclass: the epoch's pixel counts (void excluded); empty (0 classes) otherwise.
  const ConfusionMatrix& confusion() const { return confusion_; }

  /// Mid-epoch checkpoints keep the partial sums so a resumed epoch reports the same values.
  void save(torch::serialize::OutputArchive& archive) const;
  void load(torch::serialize::InputArchive& archive);

 private:
  config::json multiclass_summary() const;
  config::json classification_summary() const;

  std::vector<std::string> class_names_;
  TaskMode mode_;
  double threshold_;
  int64_t images_ = 0;
  ConfusionMatrix confusion_;
  metrics::AverageMeter loss_;
  metrics::StatsMeter stats_;
  metrics::ClassificationMeter classification_;
  int64_t skipped_ = 0;
};

}  // namespace segkit::train
