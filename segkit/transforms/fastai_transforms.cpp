#include "segkit/transforms/fastai_transforms.h"

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <sstream>

#include "segkit/core/error.h"
#include "segkit/transforms/image_ops.h"

namespace segkit::transforms {
namespace {

constexpr double kPi = 3.14159265358979323846;

// fastai's symmetric_warp: the homography taking the moved corners back to the square's corners,
// applied to the sampling grid.
cv::Matx33d symmetric_warp(const double m[4]) {
  const std::vector<cv::Point2f> square = {{-1, -1}, {-1, 1}, {1, -1}, {1, 1}};
  const std::vector<cv::Point2f> moved = {{static_cast<float>(-1 - m[3]), static_cast<float>(-1 - m[1])},
                                          {static_cast<float>(-1 - m[2]), static_cast<float>(1 + m[1])},
                                          {static_cast<float>(1 + m[3]), static_cast<float>(-1 - m[0])},
                                          {static_cast<float>(1 + m[2]), static_cast<float>(1 + m[0])}};
  return cv::Matx33d(cv::getPerspectiveTransform(moved, square));
}

// logit with fastai's clamp to [1e-7, 1 - 1e-7].
double logit(double x) {
  const double c = std::min(std::max(x, 1e-7), 1.0 - 1e-7);
  return std::log(c / (1.0 - c));
}

}  // namespace

FastaiTransforms::FastaiTransforms(FastaiTransformsOptions options) : Transform(options.p), options_(options) {
  const auto& o = options_;
  if (o.max_zoom < 1.0) throw ConfigError("FastaiTransforms: max_zoom must be >= 1, got " + std::to_string(o.max_zoom));
  if (!(o.max_lighting >= 0.0 && o.max_lighting < 1.0)) {
    throw ConfigError("FastaiTransforms: max_lighting must lie in [0, 1), got " + std::to_string(o.max_lighting));
  }
  if (o.max_rotate < 0.0 || o.max_warp < 0.0) throw ConfigError("FastaiTransforms: max_rotate and max_warp must be >= 0");
  for (double p : {o.p_affine, o.p_lighting}) {
    if (!(p >= 0.0 && p <= 1.0)) throw ConfigError("FastaiTransforms: p_affine and p_lighting must lie in [0, 1]");
  }
  detail::check_interpolation(o.interpolation);
}

void FastaiTransforms::apply(data::Sample& sample, Rng& rng) const {
  const auto& o = options_;
  const int h = sample.image.rows, w = sample.image.cols;

  // Geometry on the sampling grid: warp first (fastai's coord transforms, order 4), then the affine
  // maps multiplied in list order (order 5).
  bool geometric = false;
  cv::Matx33d warp = cv::Matx33d::eye();
  if (o.max_warp > 0 && rng.bernoulli(o.p_affine)) {
    double m[4];
    for (double& value : m) value = rng.uniform(-o.max_warp, o.max_warp);
    warp = symmetric_warp(m);
    geometric = true;
  }
  cv::Matx33d affine = cv::Matx33d::eye();
  if (o.do_flip && o.flip_vert) {  // dihedral_affine, p = 1
    const int64_t k = rng.uniform_int(0, 7);
    const double x = (k & 1) ? -1.0 : 1.0, y = (k & 2) ? -1.0 : 1.0;
    affine = affine * ((k & 4) ? cv::Matx33d(0, x, 0, y, 0, 0, 0, 0, 1) : cv::Matx33d(x, 0, 0, 0, y, 0, 0, 0, 1));
    geometric = geometric || k != 0;
  }
  if (o.max_rotate > 0 && rng.bernoulli(o.p_affine)) {
    const double angle = rng.uniform(-o.max_rotate, o.max_rotate) * kPi / 180.0;
    affine = affine * cv::Matx33d(std::cos(angle), -std::sin(angle), 0, std::sin(angle), std::cos(angle), 0, 0, 0, 1);
    geometric = true;
  }
  if (o.max_zoom > 1 && rng.bernoulli(o.p_affine)) {
    const double scale = rng.uniform(1.0, o.max_zoom);
    const double row_pct = rng.uniform(), col_pct = rng.uniform();
    const double s = 1.0 - 1.0 / scale;
    affine = affine * cv::Matx33d(1 / scale, 0, s * (2 * col_pct - 1), 0, 1 / scale, s * (2 * row_pct - 1), 0, 0, 1);
    geometric = true;
  }
  if (geometric) {
    if (h < 2 || w < 2) throw DataError("FastaiTransforms: the geometric steps need images of at least 2x2 pixels");
    // fastai's _affine_mult keeps the map isotropic on a non-square grid.
    affine(0, 1) *= static_cast<double>(h) / w;
    affine(1, 0) *= static_cast<double>(w) / h;
    cv::Mat map_x(h, w, CV_32F), map_y(h, w, CV_32F);
    for (int i = 0; i < h; ++i) {
      const double gy = -1.0 + 2.0 * i / (h - 1);
      for (int j = 0; j < w; ++j) {
        const double gx = -1.0 + 2.0 * j / (w - 1);
        const double d = warp(2, 0) * gx + warp(2, 1) * gy + warp(2, 2);
        const double qx = (warp(0, 0) * gx + warp(0, 1) * gy + warp(0, 2)) / d;
        const double qy = (warp(1, 0) * gx + warp(1, 1) * gy + warp(1, 2)) / d;
        const double rx = affine(0, 0) * qx + affine(0, 1) * qy + affine(0, 2);
        const double ry = affine(1, 0) * qx + affine(1, 1) * qy + affine(1, 2);
        // align_corners=True: -1 and 1 are the centres of the first and last pixels.
        map_x.at<float>(i, j) = static_cast<float>((rx + 1.0) / 2.0 * (w - 1));
        map_y.at<float>(i, j) = static_cast<float>((ry + 1.0) / 2.0 * (h - 1));
      }
    }
    // grid_sample's reflection about the first and last pixel centres is OpenCV's reflect_101.
    sample.image = detail::remap(sample.image, map_x, map_y, o.interpolation, cv::BORDER_REFLECT_101, {});
    if (sample.has_mask()) sample.mask = detail::remap(sample.mask, map_x, map_y, cv::INTER_NEAREST, cv::BORDER_REFLECT_101, {});
  }

  // Lighting (order 8): one logit, brightness adds, contrast multiplies, one sigmoid.
  double shift = 0.0, factor = 1.0;
  bool lighting = false;
  if (o.max_lighting > 0 && rng.bernoulli(o.p_lighting)) {
    shift = logit(rng.uniform(0.5 * (1 - o.max_lighting), 0.5 * (1 + o.max_lighting)));
    lighting = true;
  }
  if (o.max_lighting > 0 && rng.bernoulli(o.p_lighting)) {
    // log_uniform(1 - l, 1 / (1 - l))
    const double low = std::log(1 - o.max_lighting), high = std::log(1 / (1 - o.max_lighting));
    factor = std::exp(rng.uniform(low, high));
    lighting = true;
  }
  if (lighting) {
    const double max_value = detail::max_value(sample.image.depth(), name());
    cv::Mat pixels;
    sample.image.convertTo(pixels, CV_64F, 1.0 / max_value);
    pixels.reshape(1).forEach<double>(
        [&](double& x, const int*) { x = 1.0 / (1.0 + std::exp(-(logit(x) + shift) * factor)); });
    pixels.convertTo(sample.image, sample.image.type(), max_value);
  }

  // flip_lr (order 10).
  if (o.do_flip && !o.flip_vert && rng.bernoulli(0.5)) {
    cv::flip(sample.image, sample.image, 1);
    if (sample.has_mask()) cv::flip(sample.mask, sample.mask, 1);
  }
}

std::string FastaiTransforms::describe() const {
  const auto& o = options_;
  std::ostringstream out;
  out << name() << "(do_flip=" << (o.do_flip ? "True" : "False") << ", flip_vert=" << (o.flip_vert ? "True" : "False")
      << ", max_rotate=" << o.max_rotate << ", max_zoom=" << o.max_zoom << ", max_lighting=" << o.max_lighting
      << ", max_warp=" << o.max_warp << ", p_affine=" << o.p_affine << ", p_lighting=" << o.p_lighting
      << ", interpolation=" << detail::interpolation_name(o.interpolation) << ", p=" << o.p << ")";
  return out.str();
}

}  // namespace segkit::transforms
