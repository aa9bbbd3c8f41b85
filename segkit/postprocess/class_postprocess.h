#pragma once
// Turns one class's probability map into a 0/1 mask the way the Kaggle pipelines did, with the
// per-class parameters `segkit tune` fits on out-of-fold data (docs/pipeline.md, "Post-processing").
//
//   segkit::postprocess::ClassPostprocess params;
//   params.threshold = 0.45; params.min_area = 300;
//   cv::Mat mask = segkit::postprocess::apply_postprocess(probability, params, std::nullopt);
//
// Order: min_prob_sum, threshold, remove components smaller than min_area, fill holes, shape,
// min_total, gating.

#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <vector>

namespace segkit::postprocess {

struct ClassPostprocess {
  /// A pixel is positive where p > threshold.
  double threshold = 0.5;
  /// 8-connected components with fewer pixels are removed.
  int min_area = 0;
  /// The mask is emptied when fewer pixels remain.
  int min_total = 0;
  /// The mask is emptied when the class's probabilities summed over the image (p in 0..1) are below
  /// this, before thresholding: the SIIM pneumothorax kernel's noise_th, `preds.sum() < noise_th`.
  double min_prob_sum = 0.0;
  /// Holes (background not connected to the border) become foreground.
  bool fill_holes = false;
  /// none | convex_hull | bbox, per component (the clouds solutions).
  std::string shape = "none";
  /// Classifier gating: the mask is emptied when the image's class probability is below this.
  std::optional<double> cls_threshold;

  bool operator==(const ClassPostprocess& other) const;
  bool operator!=(const ClassPostprocess& other) const { return !(*this == other); }
};

/// The valid `shape` values.
const std::vector<std::string>& shape_names();

/// Throws ConfigError (with `where` as prefix) for a value out of range or an unknown shape.
void validate(const ClassPostprocess& params, const std::string& where = "");

/// `probability` is H x W, CV_8U (round(p * 255), as out-of-fold files store it) or CV_32F in 0..1.
/// `class_probability` is the classifier's output for this image and class; it is required when
/// params.cls_threshold is set. Returns H x W CV_8U 0/1. Throws ShapeError / DataError.
cv::Mat apply_postprocess(const cv::Mat& probability, const ClassPostprocess& params,
                          std::optional<double> class_probability = std::nullopt);

/// p > threshold as 0/1 CV_8U. Comparisons are in float32, as the pipelines' torch/numpy float32
/// arrays compared against a Python float: a uint8 value v is positive iff float(v) / 255.f >
/// float(threshold), so tuning on uint8 out-of-fold files agrees with float predictions.
cv::Mat threshold_probability(const cv::Mat& probability, double threshold);

/// The probabilities of an H x W map (CV_8U as round(p * 255), or CV_32F) summed, in units of p.
double probability_sum(const cv::Mat& probability);

/// Removes 8-connected components of a 0/1 mask with fewer than `min_area` pixels.
cv::Mat remove_small_components(const cv::Mat& mask, int min_area);

/// Sets to 1 every background pixel not 4-connected to the image border (the complement of
/// 8-connected foreground, so a diagonal gap does not open a hole to the outside).
cv::Mat fill_mask_holes(const cv::Mat& mask);

/// Replaces each 8-connected component by its filled convex hull or bounding box ("none": copy).
cv::Mat apply_shape(const cv::Mat& mask, const std::string& shape);

}  // namespace segkit::postprocess
