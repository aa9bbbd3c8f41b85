#pragma once
// Masks drawn over their image for the report's example grid: each class a translucent fill with a
// solid outline in a fixed colour, so a thin structure stays visible and overlapping classes stay
// distinguishable. Class k has the same colour in every panel and in the page's legend.
//
//   cv::Mat shown = overlay_masks(sample.image, prediction);   // RGB, the image's size

#include <opencv2/core/mat.hpp>

#include <cstddef>
#include <string>

namespace segkit::report {

/// RGB colour of class `index` (twenty fixed colours, then repeating).
cv::Vec3b class_color(size_t index);

/// "#rrggbb" of class_color(index), for HTML legends.
std::string class_color_hex(size_t index);

/// `image` (H x W, 8-bit RGB or grey) with every channel of `masks` (H x W x K, nonzero = on) filled
/// at `alpha` opacity and outlined. ShapeError when the sizes differ or the image is not 8-bit.
cv::Mat overlay_masks(const cv::Mat& image, const cv::Mat& masks, double alpha = 0.4);

}  // namespace segkit::report
