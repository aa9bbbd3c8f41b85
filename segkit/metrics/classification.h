#pragma once
// Metrics of the classification head (SMP's aux_params), e.g. "does this image have a defect":
//   classification_accuracy  multiclass: scores (N, C) vs labels (N) by argmax; otherwise
//                            probabilities vs 0/1 labels of the same shape, positive where
//                            p > threshold, averaged over every element.
//   roc_auc                  sklearn's roc_auc_score: the probability that a random positive
//                            scores above a random negative, ties counting 1/2 (average ranks,
//                            equal to the trapezoidal ROC area). (N, C) inputs give the macro mean
//                            over columns, as sklearn's average="macro".
// Both return float64 and throw DataError when undefined (no samples; only one class present
// in a column, as sklearn) and ShapeError for mismatched shapes.
//   per-column AUC and F1    (N, C) multi-label scores: one value per column; an undefined AUC is
//                            NaN, F1 = 2TP / (2TP + FP + FN) at p > threshold, 0 when the column
//                            has neither positives nor predicted positives (sklearn's zero_division).
//
//   double auc = roc_auc(torch::sigmoid(labels_logits).squeeze(1), has_defect);

#include <torch/types.h>

#include <vector>

namespace segkit::metrics {

double classification_accuracy(const torch::Tensor& scores, const torch::Tensor& labels, double threshold = 0.5);

double roc_auc(const torch::Tensor& scores, const torch::Tensor& labels);

std::vector<double> roc_auc_per_column(const torch::Tensor& scores, const torch::Tensor& labels);
std::vector<double> f1_per_column(const torch::Tensor& scores, const torch::Tensor& labels, double threshold = 0.5);

/// Collects scores and labels over an epoch: accuracy and AUC of everything added.
class ClassificationMeter {
 public:
  void add(const torch::Tensor& scores, const torch::Tensor& labels);
  double accuracy(double threshold = 0.5) const;
  double auc() const;
  std::vector<double> auc_per_class() const;
  std::vector<double> f1_per_class(double threshold = 0.5) const;
  int64_t samples() const;
  void reset();

 private:
  torch::Tensor all_scores() const;
  torch::Tensor all_labels() const;

  std::vector<torch::Tensor> scores_;
  std::vector<torch::Tensor> labels_;
};

}  // namespace segkit::metrics
