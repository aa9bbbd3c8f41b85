#include "segkit/postprocess/class_postprocess.h"

#include <algorithm>
#include <opencv2/imgproc.hpp>

#include "segkit/core/error.h"
#include "segkit/core/strings.h"

namespace segkit::postprocess {

bool ClassPostprocess::operator==(const ClassPostprocess& other) const {
  return threshold == other.threshold && min_area == other.min_area && min_total == other.min_total &&
         min_prob_sum == other.min_prob_sum && fill_holes == other.fill_holes && shape == other.shape && cls_threshold == other.cls_threshold;
}

const std::vector<std::string>& shape_names() {
  static const std::vector<std::string> names{"none", "convex_hull", "bbox"};
  return names;
}

void validate(const ClassPostprocess& params, const std::string& where) {
  const auto in_unit = [](double v) { return v >= 0.0 && v <= 1.0; };
  if (!in_unit(params.threshold)) {
    throw ConfigError(where + "threshold must be in [0, 1], got " + std::to_string(params.threshold));
  }
  if (params.cls_threshold && !in_unit(*params.cls_threshold)) {
    throw ConfigError(where + "cls_threshold must be in [0, 1], got " + std::to_string(*params.cls_threshold));
  }
  if (params.min_area < 0 || params.min_total < 0 || !(params.min_prob_sum >= 0.0)) {
    throw ConfigError(where + "min_area, min_total and min_prob_sum must be >= 0");
  }
  const auto& shapes = shape_names();
  if (std::find(shapes.begin(), shapes.end(), params.shape) == shapes.end()) {
    throw ConfigError(where + "unknown shape '" + params.shape + "' (valid: " + join(shapes, ", ") + ")" +
                      did_you_mean(params.shape, shapes));
  }
}

cv::Mat threshold_probability(const cv::Mat& probability, double threshold) {
  if (probability.channels() != 1 || probability.dims != 2) {
    throw ShapeError("post-processing expects a single-channel H x W probability map, got " +
                     std::to_string(probability.channels()) + " channels");
  }
  const float t = static_cast<float>(threshold);
  cv::Mat out;
  if (probability.depth() == CV_8U) {
    // A table of the 256 float comparisons keeps uint8 and float inputs in exact agreement.
    cv::Mat table(1, 256, CV_8U);
    for (int v = 0; v < 256; ++v) table.at<uint8_t>(v) = static_cast<float>(v) / 255.0f > t ? 1 : 0;
    cv::LUT(probability, table, out);
  } else if (probability.depth() == CV_32F) {
    out = probability > t;
    out &= 1;
  } else {
    throw ShapeError("post-processing expects CV_8U (p * 255) or CV_32F probabilities");
  }
  return out;
}

cv::Mat remove_small_components(const cv::Mat& mask, int min_area) {
  if (min_area <= 1) return mask.clone();
  cv::Mat labels, stats, centroids;
  const int count = cv::connectedComponentsWithStats(mask, labels, stats, centroids, 8, CV_32S);
  std::vector<uint8_t> keep(count, 0);
  for (int i = 1; i < count; ++i) keep[i] = stats.at<int>(i, cv::CC_STAT_AREA) >= min_area ? 1 : 0;
  cv::Mat out(mask.size(), CV_8U);
  for (int y = 0; y < mask.rows; ++y) {
    const int* in = labels.ptr<int>(y);
    uint8_t* row = out.ptr<uint8_t>(y);
    for (int x = 0; x < mask.cols; ++x) row[x] = keep[in[x]];
  }
  return out;
}

cv::Mat fill_mask_holes(const cv::Mat& mask) {
  // A 1-pixel background frame connects every border pixel, so one flood reaches all outside background.
  cv::Mat padded;
  cv::copyMakeBorder(mask, padded, 1, 1, 1, 1, cv::BORDER_CONSTANT, cv::Scalar(0));
  cv::floodFill(padded, cv::Point(0, 0), cv::Scalar(2), nullptr, cv::Scalar(), cv::Scalar(), 4);
  cv::Mat inner = padded(cv::Rect(1, 1, mask.cols, mask.rows));
  cv::Mat out = inner != 2;
  out &= 1;
  return out;
}

cv::Mat apply_shape(const cv::Mat& mask, const std::string& shape) {
  if (shape == "none") return mask.clone();
  if (shape != "convex_hull" && shape != "bbox") {
    throw ConfigError("unknown shape '" + shape + "'" + did_you_mean(shape, shape_names()));
  }
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(mask.clone(), contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
  cv::Mat out = cv::Mat::zeros(mask.size(), CV_8U);
  for (const auto& contour : contours) {
    if (shape == "bbox") {
      cv::rectangle(out, cv::boundingRect(contour), cv::Scalar(1), cv::FILLED);
    } else {
      std::vector<cv::Point> hull;
      cv::convexHull(contour, hull);
      cv::fillConvexPoly(out, hull, cv::Scalar(1));
    }
  }
  return out;
}

double probability_sum(const cv::Mat& probability) {
  return cv::sum(probability)[0] / (probability.depth() == CV_8U ? 255.0 : 1.0);
}

cv::Mat apply_postprocess(const cv::Mat& probability, const ClassPostprocess& params,
                          std::optional<double> class_probability) {
  validate(params);
  if (params.cls_threshold && !class_probability) {
    throw DataError("cls_threshold is set but no classifier probability was given for this image");
  }
  // Gating is last in the documented order, but it empties the mask whatever came before, so checking it
  // first gives the same result without the work.
  if (params.cls_threshold && *class_probability < *params.cls_threshold) {
    threshold_probability(probability, 1.0);  // still rejects a malformed input
    return cv::Mat::zeros(probability.size(), CV_8U);
  }
  cv::Mat mask = threshold_probability(probability, params.threshold);
  if (params.min_prob_sum > 0 && probability_sum(probability) < params.min_prob_sum) return cv::Mat::zeros(probability.size(), CV_8U);
  mask = remove_small_components(mask, params.min_area);
  if (params.fill_holes) mask = fill_mask_holes(mask);
  mask = apply_shape(mask, params.shape);
  if (params.min_total > 0 && cv::countNonZero(mask) < params.min_total) mask.setTo(0);
  return mask;
}

}  // namespace segkit::postprocess
