#include "segkit/report/example_panel.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>

#include "segkit/core/error.h"
#include "segkit/report/overlay.h"

namespace segkit::report {
namespace {

std::string shape_of(const cv::Mat& m) {
  return std::to_string(m.rows) + "x" + std::to_string(m.cols) + "x" + std::to_string(m.channels());
}

// cv::resize limits the channel count of some interpolations; per channel works for any K.
cv::Mat resize_masks(const cv::Mat& masks, cv::Size size) {
  std::vector<cv::Mat> channels;
  cv::split(masks, channels);
  for (auto& channel : channels) cv::resize(channel, channel, size, 0, 0, cv::INTER_NEAREST);
  cv::Mat out;
  cv::merge(channels, out);
  return out;
}

}  // namespace

std::vector<double> dice_per_class(const cv::Mat& truth, const cv::Mat& prediction) {
  if (truth.size() != prediction.size() || truth.channels() != prediction.channels()) {
    throw ShapeError("dice_per_class: truth is " + shape_of(truth) + ", prediction " + shape_of(prediction));
  }
  std::vector<double> dice;
  for (int k = 0; k < truth.channels(); ++k) {
    cv::Mat t, p;
    cv::extractChannel(truth, t, k);
    cv::extractChannel(prediction, p, k);
    const cv::Mat t_on = t != 0, p_on = p != 0;
    const double sum = cv::countNonZero(t_on) + cv::countNonZero(p_on);
    const double intersection = cv::countNonZero(t_on & p_on);
    dice.push_back(sum == 0 ? 1.0 : 2 * intersection / sum);
  }
  return dice;
}

cv::Mat example_panel(const ReportExample& example, int max_side) {
  const std::string where = "report example '" + example.id + "'";
  if (example.image.empty()) throw ShapeError(where + ": the image is empty");
  if (example.prediction.size() != example.image.size()) {
    throw ShapeError(where + ": prediction is " + shape_of(example.prediction) + ", the image " +
                     shape_of(example.image) + "; they must have the same height and width");
  }
  const bool has_truth = !example.truth.empty();
  if (has_truth && (example.truth.size() != example.prediction.size() ||
                    example.truth.channels() != example.prediction.channels())) {
    throw ShapeError(where + ": truth is " + shape_of(example.truth) + ", prediction " +
                     shape_of(example.prediction) + "; they must match");
  }
  cv::Mat image = example.image, truth = example.truth, prediction = example.prediction;
  const int longer = std::max(image.rows, image.cols);
  if (max_side > 0 && longer > max_side) {
    const double scale = static_cast<double>(max_side) / longer;
    const cv::Size size(std::max(1, static_cast<int>(image.cols * scale)), std::max(1, static_cast<int>(image.rows * scale)));
    cv::resize(image, image, size, 0, 0, cv::INTER_AREA);
    prediction = resize_masks(prediction, size);
    if (has_truth) truth = resize_masks(truth, size);
  }

  std::vector<cv::Mat> panels;
  panels.push_back(overlay_masks(image, cv::Mat::zeros(image.size(), CV_8U)));  // the image as RGB
  if (has_truth) panels.push_back(overlay_masks(image, truth));
  panels.push_back(overlay_masks(image, prediction));
  const cv::Mat gap(image.rows, kPanelGap, CV_8UC3, cv::Scalar(255, 255, 255));
  std::vector<cv::Mat> row;
  for (size_t i = 0; i < panels.size(); ++i) {
    if (i > 0) row.push_back(gap);
    row.push_back(panels[i]);
  }
  cv::Mat out;
  cv::hconcat(row, out);
  return out;
}

}  // namespace segkit::report
