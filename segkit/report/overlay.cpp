#include "segkit/report/overlay.h"

#include <opencv2/imgproc.hpp>

#include <cstdio>
#include <vector>

#include "segkit/core/error.h"

namespace segkit::report {

cv::Vec3b class_color(size_t index) {
  // Distinct on both dark and bright images, and none of them grey; twenty, so street-scene label
  // sets (CamVid's 11, Cityscapes' 19) get one colour per class.
  static const cv::Vec3b kPalette[] = {
      {230, 25, 75},   {60, 180, 75},   {0, 130, 200}, {245, 130, 48},  {145, 30, 180},
      {70, 240, 240},  {240, 50, 230},  {210, 245, 60}, {250, 190, 212}, {0, 128, 128},
      {220, 190, 255}, {170, 110, 40},  {255, 250, 200}, {128, 0, 0},   {170, 255, 195},
      {128, 128, 0},   {255, 215, 180}, {0, 0, 128},   {255, 225, 25},  {60, 60, 255}};
  return kPalette[index % (sizeof kPalette / sizeof kPalette[0])];
}

std::string class_color_hex(size_t index) {
  const cv::Vec3b c = class_color(index);
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "#%02x%02x%02x", c[0], c[1], c[2]);
  return buffer;
}

cv::Mat overlay_masks(const cv::Mat& image, const cv::Mat& masks, double alpha) {
  if (image.empty() || image.depth() != CV_8U || (image.channels() != 1 && image.channels() != 3)) {
    throw ShapeError("overlay_masks: the image must be 8-bit RGB or grey, got " + std::to_string(image.channels()) +
                     " channels of depth " + std::to_string(image.depth()));
  }
  if (masks.size() != image.size() || masks.depth() != CV_8U) {
    throw ShapeError("overlay_masks: masks are " + std::to_string(masks.rows) + "x" + std::to_string(masks.cols) +
                     " (depth " + std::to_string(masks.depth()) + "), the image " + std::to_string(image.rows) +
                     "x" + std::to_string(image.cols) + "; both must be the same size and 8-bit");
  }
  cv::Mat out;
  if (image.channels() == 1) {
    cv::cvtColor(image, out, cv::COLOR_GRAY2RGB);
  } else {
    out = image.clone();
  }
  for (int k = 0; k < masks.channels(); ++k) {
    cv::Mat channel;
    cv::extractChannel(masks, channel, k);
    const cv::Mat on = channel != 0;
    if (cv::countNonZero(on) == 0) continue;
    const cv::Vec3b c = class_color(static_cast<size_t>(k));
    const cv::Scalar color(c[0], c[1], c[2]);
    cv::Mat blended;
    cv::addWeighted(out, 1 - alpha, cv::Mat(out.size(), out.type(), color), alpha, 0, blended);
    blended.copyTo(out, on);
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(on, contours, cv::RETR_LIST, cv::CHAIN_APPROX_NONE);
    cv::drawContours(out, contours, -1, color, 1);
  }
  return out;
}

}  // namespace segkit::report
