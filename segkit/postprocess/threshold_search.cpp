#include "segkit/postprocess/threshold_search.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <opencv2/imgproc.hpp>

#include "segkit/core/error.h"
#include "segkit/core/parallel.h"

namespace segkit::postprocess {
namespace {

struct Candidate {
  double dice = -1.0;
  int threshold_pct = 50;
  int min_area = 0;
  std::optional<double> cls_threshold;
};

// An earlier stage of a two-stage pipeline empties this class here (two_stage_oof.h).
bool is_emptied(const OofImage& image, int c) { return !image.emptied.empty() && image.emptied.at(c) != 0; }

// Kaggle's per-image Dice from pixel counts.
double dice_of(int64_t predicted, int64_t intersection, int64_t truth) {
  return predicted + truth == 0 ? 1.0 : 2.0 * double(intersection) / double(predicted + truth);
}

// One class's search. Per threshold, each image is labelled once; every min_area is then a filter on
// the component list (area, pixels also in the truth), and every gate a choice per image.
class ClassSearch {
 public:
  ClassSearch(const OofData& oof, int c, std::vector<int> areas, bool gating, int min_total, double min_prob_sum)
      : oof_(oof), c_(c), areas_(std::move(areas)), min_total_(min_total) {
    gates_.push_back(std::nullopt);
    if (gating) {
      for (int pct = 5; pct <= 95; pct += 5) gates_.push_back(pct / 100.0);
    }
    for (const auto& image : oof.images) {
      truth_.push_back(cv::countNonZero(image.masks.at(c)));
      // A map whose probabilities sum below the rule predicts nothing at any threshold.
      emptied_.push_back(is_emptied(image, c) ||
                         (min_prob_sum > 0 && probability_sum(image.probabilities.at(c)) < min_prob_sum));
    }
  }

  Candidate run() {
    Candidate best = evaluate(50, {0}, {std::nullopt});  // ties keep the defaults
    default_dice_ = best.dice;
    for (int pct = 5; pct <= 95; pct += 5) consider(evaluate(pct, areas_, gates_), best);
    const int centre = best.threshold_pct;
    for (int pct = std::max(1, centre - 5); pct <= std::min(99, centre + 5); ++pct) {
      if (pct % 5 != 0) consider(evaluate(pct, areas_, gates_), best);
    }
    return best;
  }

  double default_dice() const { return default_dice_; }

 private:
  // On a tie (a plateau of thresholds is common) the threshold nearest the default 0.5 wins, then the
  // smaller min_area and no gate (evaluated first), so tuning moves parameters only for a gain.
  static void consider(const Candidate& candidate, Candidate& best) {
    constexpr double kEps = 1e-12;
    const bool tie = std::abs(candidate.dice - best.dice) <= kEps;
    if (candidate.dice > best.dice + kEps ||
        (tie && std::abs(candidate.threshold_pct - 50) < std::abs(best.threshold_pct - 50))) {
      best = candidate;
    }
  }

  Candidate evaluate(int pct, const std::vector<int>& areas, const std::vector<std::optional<double>>& gates) {
    const size_t n = oof_.images.size();
    std::vector<std::vector<std::pair<int, int>>> components(n);  // (area, intersection)
    cv::Mat labels, stats, centroids;
    for (size_t i = 0; i < n; ++i) {
      if (emptied_[i]) continue;
      const cv::Mat mask = threshold_probability(oof_.images[i].probabilities.at(c_), pct / 100.0);
      if (cv::countNonZero(mask) == 0) continue;  // most images of a sparse class
      const int count = cv::connectedComponentsWithStats(mask, labels, stats, centroids, 8, CV_32S);
      std::vector<int> inter(count, 0);
      const cv::Mat& truth = oof_.images[i].masks.at(c_);
      for (int y = 0; truth_[i] > 0 && y < labels.rows; ++y) {
        const int* label = labels.ptr<int>(y);
        const uint8_t* t = truth.ptr<uint8_t>(y);
        for (int x = 0; x < labels.cols; ++x) inter[label[x]] += t[x];
      }
      for (int j = 1; j < count; ++j) components[i].emplace_back(stats.at<int>(j, cv::CC_STAT_AREA), inter[j]);
    }
    Candidate best;
    std::vector<double> dice(n);
    for (int area : areas) {
      for (size_t i = 0; i < n; ++i) {
        int64_t predicted = 0, intersection = 0;
        for (const auto& [a, in] : components[i]) {
          if (a >= area) predicted += a, intersection += in;
        }
        if (predicted < min_total_) predicted = intersection = 0;
        dice[i] = dice_of(predicted, intersection, truth_[i]);
      }
      for (const auto& gate : gates) {
        double sum = 0.0;
        for (size_t i = 0; i < n; ++i) {
          const bool gated = gate && oof_.images[i].labels.at(c_) < *gate;
          sum += gated ? dice_of(0, 0, truth_[i]) : dice[i];
        }
        consider({sum / double(n), pct, area, gate}, best);
      }
    }
    return best;
  }

  const OofData& oof_;
  int c_;
  std::vector<int> areas_;
  int min_total_;
  std::vector<std::optional<double>> gates_;
  std::vector<int64_t> truth_;
  std::vector<bool> emptied_;
  double default_dice_ = 0.0;
};

}  // namespace

double SearchResult::mean_default_dice() const {
  double sum = 0.0;
  for (const auto& c : classes) sum += c.default_dice;
  return classes.empty() ? 0.0 : sum / double(classes.size());
}

double SearchResult::mean_tuned_dice() const {
  double sum = 0.0;
  for (const auto& c : classes) sum += c.tuned_dice;
  return classes.empty() ? 0.0 : sum / double(classes.size());
}

PostprocessConfig SearchResult::to_config() const {
  PostprocessConfig config;
  for (const auto& c : classes) {
    config.classes.push_back(c.name);
    config.per_class.push_back(c.params);
  }
  return config;
}

std::vector<int> default_min_areas(double image_area) {
  static const int kGrid[] = {0, 100, 200, 500, 1000, 2000, 5000, 10000, 15000, 20000};
  std::vector<int> out;
  for (int area : kGrid) out.push_back(static_cast<int>(std::lround(area * image_area / kReferenceArea)));
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

SearchResult search_postprocess(const OofData& oof, const std::vector<std::string>& class_names,
                                const SearchOptions& options) {
  if (static_cast<int>(class_names.size()) != oof.num_classes) {
    throw ShapeError("tuning needs one name per class: the out-of-fold data has " + std::to_string(oof.num_classes) +
                     " classes, " + std::to_string(class_names.size()) + " names were given");
  }
  if (oof.images.empty()) throw DataError("tuning needs at least one out-of-fold image");
  if (!oof.has_masks()) {
    throw DataError("these out-of-fold predictions hold class probabilities only (a classifier's): its gate is tuned "
                    "on the masks it gates, `segkit tune --run SEGMENTATION_RUN --classifier CLASSIFIER_RUN`");
  }
  std::vector<int> areas = options.min_areas;
  if (areas.empty()) {
    double area = 0.0;
    for (const auto& image : oof.images) area += double(image.probabilities.at(0).total());
    areas = default_min_areas(area / double(oof.images.size()));
  }
  std::sort(areas.begin(), areas.end());
  areas.erase(std::unique(areas.begin(), areas.end()), areas.end());
  const bool gating = options.search_cls_threshold && oof.has_labels();

  SearchResult result;
  result.classes.resize(class_names.size());
  // Classes are independent: one per thread.
  parallel_for_index(class_names.size(), options.threads, [&](size_t index) {
    const int c = static_cast<int>(index);
    ClassSearch search(oof, c, areas, gating, options.min_total, options.min_prob_sum);
    const Candidate best = search.run();
    auto& out = result.classes[index];
    out.name = class_names[index];
    out.params.threshold = best.threshold_pct / 100.0;
    out.params.min_area = best.min_area;
    out.params.cls_threshold = best.cls_threshold;
    out.params.min_total = options.min_total;
    out.params.min_prob_sum = options.min_prob_sum;
    out.default_dice = search.default_dice();
    out.tuned_dice = best.dice;
  });
  return result;
}

SearchResult search_postprocess_per_fold(const std::vector<OofData>& folds, const OofData& all,
                                         const std::vector<std::string>& class_names, const SearchOptions& options) {
  if (folds.empty()) throw DataError("per-fold tuning needs at least one fold");
  std::vector<SearchResult> per_fold;
  for (const auto& fold : folds) per_fold.push_back(search_postprocess(fold, class_names, options));
  SearchResult result;
  result.classes.resize(class_names.size());
  const double n = static_cast<double>(folds.size());
  for (size_t c = 0; c < class_names.size(); ++c) {
    auto& out = result.classes[c];
    out.name = class_names[c];
    out.params = per_fold.front().classes[c].params;  // the fixed rules (min_total, min_prob_sum)
    double threshold = 0.0, area = 0.0, gate = 0.0;
    bool gated = true;
    for (const auto& fold : per_fold) {
      const auto& params = fold.classes[c].params;
      threshold += params.threshold / n;
      area += params.min_area / n;
      gated = gated && params.cls_threshold.has_value();
      if (params.cls_threshold) gate += *params.cls_threshold / n;
    }
    out.params.threshold = threshold;
    out.params.min_area = static_cast<int>(std::lround(area));
    out.params.cls_threshold = gated ? std::optional<double>(gate) : std::nullopt;
    ClassPostprocess defaults;
    defaults.min_total = options.min_total;
    defaults.min_prob_sum = options.min_prob_sum;
    out.default_dice = mean_dice(all, static_cast<int>(c), defaults);
    out.tuned_dice = mean_dice(all, static_cast<int>(c), out.params);
  }
  return result;
}

double mean_dice(const OofData& oof, int class_index, const ClassPostprocess& params) {
  double sum = 0.0;
  for (const auto& image : oof.images) {
    std::optional<double> label;
    if (!image.labels.empty()) label = image.labels.at(class_index);
    cv::Mat predicted = apply_postprocess(image.probabilities.at(class_index), params, label);
    if (is_emptied(image, class_index)) predicted.setTo(0);
    const cv::Mat& truth = image.masks.at(class_index);
    sum += dice_of(cv::countNonZero(predicted), cv::countNonZero(predicted & truth), cv::countNonZero(truth));
  }
  return oof.images.empty() ? 0.0 : sum / double(oof.images.size());
}

std::string format_search_table(const SearchResult& result) {
  std::string out;
  char line[160];
  std::snprintf(line, sizeof line, "%-16s %8s %8s %10s %9s %14s\n", "class", "default", "tuned", "threshold",
                "min_area", "cls_threshold");
  out += line;
  for (const auto& c : result.classes) {
    const std::string gate = c.params.cls_threshold ? std::to_string(*c.params.cls_threshold).substr(0, 4) : "-";
    std::snprintf(line, sizeof line, "%-16s %8.4f %8.4f %10.2f %9d %14s\n", c.name.c_str(), c.default_dice,
                  c.tuned_dice, c.params.threshold, c.params.min_area, gate.c_str());
    out += line;
  }
  std::snprintf(line, sizeof line, "%-16s %8.4f %8.4f\n", "mean", result.mean_default_dice(), result.mean_tuned_dice());
  return out + line;
}

}  // namespace segkit::postprocess
