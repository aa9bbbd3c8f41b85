#include "segkit/metrics/classification.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include "segkit/core/error.h"

namespace segkit::metrics {
namespace {

std::string shapes_text(const torch::Tensor& a, const torch::Tensor& b) {
  std::ostringstream out;
  out << a.sizes() << " and " << b.sizes();
  return out.str();
}

// Mann-Whitney U with average ranks for ties, normalised: sklearn's roc_auc_score for one column.
double binary_auc(const std::vector<double>& scores, const std::vector<double>& labels) {
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  double positive_rank_sum = 0;
  double positives = 0;
  for (size_t start = 0; start < order.size();) {
    size_t end = start;
    while (end < order.size() && scores[order[end]] == scores[order[start]]) ++end;
    const double average_rank = (static_cast<double>(start + 1) + static_cast<double>(end)) / 2.0;
    for (size_t k = start; k < end; ++k) {
      if (labels[order[k]] > 0.5) {
        positive_rank_sum += average_rank;
        positives += 1;
      }
    }
    start = end;
  }
  const double negatives = static_cast<double>(scores.size()) - positives;
  if (positives == 0 || negatives == 0) {
    throw DataError("roc_auc: only one class present in the labels; ROC AUC is not defined in that case");
  }
  return (positive_rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives);
}

std::vector<double> to_vector(const torch::Tensor& column) {
  auto values = column.to(torch::kDouble).contiguous();
  return {values.data_ptr<double>(), values.data_ptr<double>() + values.numel()};
}

}  // namespace

double classification_accuracy(const torch::Tensor& scores, const torch::Tensor& labels, double threshold) {
  auto s = scores.detach().cpu();
  auto l = labels.detach().cpu();
  if (s.numel() == 0) throw DataError("classification_accuracy: no samples");
  if (s.dim() == 2 && l.dim() == 1 && s.size(0) == l.size(0)) {
    return s.argmax(1).eq(l.to(torch::kLong)).to(torch::kDouble).mean().item<double>();
  }
  if (s.sizes() != l.sizes()) {
    throw ShapeError("classification_accuracy: scores and labels shapes " + shapes_text(s, l));
  }
  return (s > threshold).eq(l > 0.5).to(torch::kDouble).mean().item<double>();
}

double roc_auc(const torch::Tensor& scores, const torch::Tensor& labels) {
  auto s = scores.detach().cpu();
  auto l = labels.detach().cpu();
  if (s.sizes() != l.sizes() || s.dim() < 1 || s.dim() > 2) {
    throw ShapeError("roc_auc: scores and labels must share a shape (N) or (N, C), got " + shapes_text(s, l));
  }
  if (s.size(0) == 0) throw DataError("roc_auc: no samples");
  if (s.dim() == 1) return binary_auc(to_vector(s), to_vector(l));
  double total = 0;
  for (int64_t c = 0; c < s.size(1); ++c) total += binary_auc(to_vector(s.select(1, c)), to_vector(l.select(1, c)));
  return total / static_cast<double>(s.size(1));
}

namespace {

// (N, C) scores and labels of the same shape, on the CPU.
std::pair<torch::Tensor, torch::Tensor> columns(const torch::Tensor& scores, const torch::Tensor& labels,
                                                const char* metric) {
  auto s = scores.detach().cpu();
  auto l = labels.detach().cpu();
  if (s.sizes() != l.sizes() || s.dim() != 2) {
    throw ShapeError(std::string(metric) + ": scores and labels must both be (N, C), got " + shapes_text(s, l));
  }
  if (s.size(0) == 0) throw DataError(std::string(metric) + ": no samples");
  return {s, l};
}

}  // namespace

std::vector<double> roc_auc_per_column(const torch::Tensor& scores, const torch::Tensor& labels) {
  const auto [s, l] = columns(scores, labels, "roc_auc_per_column");
  std::vector<double> out;
  for (int64_t c = 0; c < s.size(1); ++c) {
    const auto column_labels = to_vector(l.select(1, c));
    const auto positives = std::count_if(column_labels.begin(), column_labels.end(), [](double v) { return v > 0.5; });
    const bool defined = positives > 0 && positives < static_cast<int64_t>(column_labels.size());
    out.push_back(defined ? binary_auc(to_vector(s.select(1, c)), column_labels) : std::nan(""));
  }
  return out;
}

std::vector<double> f1_per_column(const torch::Tensor& scores, const torch::Tensor& labels, double threshold) {
  const auto [s, l] = columns(scores, labels, "f1_per_column");
  const auto predicted = (s > threshold).to(torch::kDouble);
  const auto truth = (l > 0.5).to(torch::kDouble);
  const auto tp = (predicted * truth).sum(0), fp = (predicted * (1 - truth)).sum(0), fn = ((1 - predicted) * truth).sum(0);
  const auto denominator = 2 * tp + fp + fn;
  const auto f1 = torch::where(denominator > 0, 2 * tp / denominator.clamp_min(1), torch::zeros_like(tp));
  return to_vector(f1);
}

void ClassificationMeter::add(const torch::Tensor& scores, const torch::Tensor& labels) {
  scores_.push_back(scores.detach().cpu());
  labels_.push_back(labels.detach().cpu());
}

torch::Tensor ClassificationMeter::all_scores() const {
  if (scores_.empty()) throw DataError("ClassificationMeter: nothing added");
  return torch::cat(scores_);
}

torch::Tensor ClassificationMeter::all_labels() const {
  if (labels_.empty()) throw DataError("ClassificationMeter: nothing added");
  return torch::cat(labels_);
}

double ClassificationMeter::accuracy(double threshold) const {
  return classification_accuracy(all_scores(), all_labels(), threshold);
}

double ClassificationMeter::auc() const { return roc_auc(all_scores(), all_labels()); }

std::vector<double> ClassificationMeter::auc_per_class() const { return roc_auc_per_column(all_scores(), all_labels()); }

std::vector<double> ClassificationMeter::f1_per_class(double threshold) const {
  return f1_per_column(all_scores(), all_labels(), threshold);
}

int64_t ClassificationMeter::samples() const {
  int64_t total = 0;
  for (const auto& batch : scores_) total += batch.size(0);
  return total;
}

void ClassificationMeter::reset() {
  scores_.clear();
  labels_.clear();
}

}  // namespace segkit::metrics
