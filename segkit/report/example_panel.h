#pragma once
// One example of the report's grid: image | ground truth over the image | prediction over the image,
// side by side in one picture, and the per-class Dice that its caption shows.
//
//   ReportExample ex{"0002cc93b", image, truth, prediction};
//   std::string uri = jpeg_data_uri(example_panel(ex));
//   std::vector<double> dice = dice_per_class(ex.truth, ex.prediction);

#include <opencv2/core/mat.hpp>

#include <string>
#include <vector>

namespace segkit::report {

struct ReportExample {
  std::string id;
  cv::Mat image;       ///< H x W x 3 RGB CV_8U (grey accepted)
  cv::Mat truth;       ///< H x W x K CV_8U 0/1; empty when the split has no labels
  cv::Mat prediction;  ///< H x W x K CV_8U 0/1
};

/// Gap between the panels, pixels (white).
inline constexpr int kPanelGap = 4;

/// The panels side by side, RGB CV_8UC3; without truth, image | prediction. Images whose longer side
/// exceeds `max_side` are scaled down first (masks nearest-neighbour) to keep the HTML file small.
/// ShapeError naming the example when image, truth and prediction disagree in size or class count.
cv::Mat example_panel(const ReportExample& example, int max_side = 512);

/// Dice of each class channel, 2|T & P| / (|T| + |P|); 1 when both are empty. ShapeError when the
/// masks differ in size or channel count.
std::vector<double> dice_per_class(const cv::Mat& truth, const cv::Mat& prediction);

}  // namespace segkit::report
