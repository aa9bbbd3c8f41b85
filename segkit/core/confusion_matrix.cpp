#include "segkit/core/confusion_matrix.h"

#include <cmath>
#include <limits>

#include "segkit/core/error.h"

namespace segkit {
namespace {

constexpr double kUndefined = std::numeric_limits<double>::quiet_NaN();

double mean_of_defined(int64_t classes, double (ConfusionMatrix::*score)(int64_t) const, const ConfusionMatrix& m) {
  double sum = 0.0;
  int64_t defined = 0;
  for (int64_t k = 0; k < classes; ++k) {
    const double value = (m.*score)(k);
    if (std::isnan(value)) continue;
    sum += value;
    ++defined;
  }
  return defined == 0 ? kUndefined : sum / static_cast<double>(defined);
}

}  // namespace

ConfusionMatrix::ConfusionMatrix(int64_t classes)
    : classes_(classes), counts_(static_cast<size_t>(classes * classes), 0) {
  if (classes < 0) throw ConfigError("a confusion matrix needs a class count >= 0");
}

void ConfusionMatrix::add(int64_t truth, int64_t predicted, int64_t pixels) {
  if (truth < 0 || truth >= classes_ || predicted < 0 || predicted >= classes_) {
    throw ShapeError("confusion matrix: class " + std::to_string(truth < 0 || truth >= classes_ ? truth : predicted) +
                     " outside 0.." + std::to_string(classes_ - 1));
  }
  counts_[static_cast<size_t>(truth * classes_ + predicted)] += pixels;
}

void ConfusionMatrix::add_counts(const std::vector<int64_t>& counts) {
  if (counts.size() != counts_.size()) {
    throw ShapeError("confusion matrix: " + std::to_string(counts.size()) + " counts for " +
                     std::to_string(classes_) + " classes (" + std::to_string(counts_.size()) + " expected)");
  }
  for (size_t i = 0; i < counts.size(); ++i) counts_[i] += counts[i];
}

int64_t ConfusionMatrix::total() const {
  int64_t sum = 0;
  for (int64_t value : counts_) sum += value;
  return sum;
}

int64_t ConfusionMatrix::truth_pixels(int64_t k) const {
  int64_t sum = 0;
  for (int64_t j = 0; j < classes_; ++j) sum += count(k, j);
  return sum;
}

int64_t ConfusionMatrix::predicted_pixels(int64_t k) const {
  int64_t sum = 0;
  for (int64_t i = 0; i < classes_; ++i) sum += count(i, k);
  return sum;
}

double ConfusionMatrix::iou(int64_t k) const {
  const double tp = static_cast<double>(count(k, k));
  const double union_ = static_cast<double>(truth_pixels(k) + predicted_pixels(k)) - tp;
  return union_ == 0.0 ? kUndefined : tp / union_;
}

double ConfusionMatrix::dice(int64_t k) const {
  const double tp = static_cast<double>(count(k, k));
  const double sum = static_cast<double>(truth_pixels(k) + predicted_pixels(k));
  return sum == 0.0 ? kUndefined : 2.0 * tp / sum;
}

double ConfusionMatrix::mean_iou() const { return mean_of_defined(classes_, &ConfusionMatrix::iou, *this); }
double ConfusionMatrix::mean_dice() const { return mean_of_defined(classes_, &ConfusionMatrix::dice, *this); }

double ConfusionMatrix::pixel_accuracy() const {
  const int64_t all = total();
  if (all == 0) return kUndefined;
  int64_t correct = 0;
  for (int64_t k = 0; k < classes_; ++k) correct += count(k, k);
  return static_cast<double>(correct) / static_cast<double>(all);
}

nlohmann::json ConfusionMatrix::to_json() const {
  auto rows = nlohmann::json::array();
  for (int64_t i = 0; i < classes_; ++i) {
    auto row = nlohmann::json::array();
    for (int64_t j = 0; j < classes_; ++j) row.push_back(count(i, j));
    rows.push_back(std::move(row));
  }
  return rows;
}

ConfusionMatrix ConfusionMatrix::from_json(const nlohmann::json& value) {
  if (!value.is_array()) throw ConfigError("a confusion matrix is a list of rows, got " + value.dump());
  ConfusionMatrix matrix(static_cast<int64_t>(value.size()));
  for (size_t i = 0; i < value.size(); ++i) {
    const auto& row = value[i];
    if (!row.is_array() || row.size() != value.size()) {
      throw ConfigError("confusion matrix row " + std::to_string(i) + " does not have " + std::to_string(value.size()) +
                        " entries");
    }
    for (size_t j = 0; j < row.size(); ++j) {
      if (!row[j].is_number_integer() || row[j].get<int64_t>() < 0) {
        throw ConfigError("confusion matrix entry (" + std::to_string(i) + ", " + std::to_string(j) +
                          ") is not a count: " + row[j].dump());
      }
      matrix.counts_[i * value.size() + j] = row[j].get<int64_t>();
    }
  }
  return matrix;
}

}  // namespace segkit
