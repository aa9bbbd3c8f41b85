#include "segkit/transforms/affine.h"

#include <cmath>
#include <sstream>

#include "segkit/core/error.h"

namespace segkit::transforms {
namespace {

constexpr double kPi = 3.14159265358979323846;

cv::Matx33d skimage_affine(double sx, double sy, double rotation, double shear, double tx, double ty) {
  return {sx * std::cos(rotation), -sy * std::sin(rotation + shear), tx,
          sx * std::sin(rotation), sy * std::cos(rotation + shear),  ty,
          0.0,                     0.0,                              1.0};
}

cv::Matx33d translation(double tx, double ty) { return skimage_affine(1, 1, 0, 0, tx, ty); }

std::string axes(const AxisRanges& r) {
  std::ostringstream out;
  out << "{x: " << detail::format_range(r.x) << ", y: " << detail::format_range(r.y) << "}";
  return out.str();
}

}  // namespace

Affine::Affine(AffineOptions options) : Transform(options.p), options_(std::move(options)) {
  if (options_.keep_ratio && (options_.scale.x.lo != options_.scale.y.lo || options_.scale.x.hi != options_.scale.y.hi)) {
    throw ConfigError("Affine: keep_ratio needs the same x and y scale ranges, got " + axes(options_.scale));
  }
  if (options_.translate_percent && options_.translate_px) {
    throw ConfigError("Affine: give translate_percent or translate_px, not both");
  }
  detail::check_interpolation(options_.interpolation);
  detail::check_interpolation(options_.mask_interpolation);
  detail::check_border_mode(options_.mode);
}

cv::Mat Affine::matrix(int height, int width, double scale_x, double scale_y, double translate_x, double translate_y,
                       double rotate, double shear_x, double shear_y) {
  const double cx = width / 2.0 - 0.5, cy = height / 2.0 - 0.5;
  const double degree = kPi / 180.0;
  // skimage's `A + B` applies A first: the product reads right to left.
  const cv::Matx33d m = translation(cx, cy) *
                        skimage_affine(scale_x, scale_y, rotate * degree, shear_x * degree, translate_x, translate_y) *
                        skimage_affine(1, 1, kPi / 2, 0, 0, 0) * skimage_affine(1, 1, 0, shear_y * degree, 0, 0) *
                        skimage_affine(1, 1, -kPi / 2, 0, 0, 0) * translation(-cx, -cy);
  return (cv::Mat_<double>(2, 3) << m(0, 0), m(0, 1), m(0, 2), m(1, 0), m(1, 1), m(1, 2));
}

void Affine::apply(data::Sample& sample, Rng& rng) const {
  const int h = sample.image.rows, w = sample.image.cols;
  const auto& o = options_;
  double tx = 0.0, ty = 0.0;
  if (o.translate_px) {
    tx = static_cast<double>(rng.uniform_int(std::llround(o.translate_px->x.lo), std::llround(o.translate_px->x.hi)));
    ty = static_cast<double>(rng.uniform_int(std::llround(o.translate_px->y.lo), std::llround(o.translate_px->y.hi)));
  } else if (o.translate_percent) {
    tx = rng.uniform(o.translate_percent->x.lo, o.translate_percent->x.hi) * w;
    ty = rng.uniform(o.translate_percent->y.lo, o.translate_percent->y.hi) * h;
  }
  // albumentations negates the drawn shear and rotation (its issue 1079) so that positive values turn
  // the image counter-clockwise on screen.
  const double shear_x = -rng.uniform(o.shear.x.lo, o.shear.x.hi);
  const double shear_y = -rng.uniform(o.shear.y.lo, o.shear.y.hi);
  const double scale_x = rng.uniform(o.scale.x.lo, o.scale.x.hi);
  double scale_y = rng.uniform(o.scale.y.lo, o.scale.y.hi);
  if (o.keep_ratio) scale_y = scale_x;
  const double rotate = -rng.uniform(o.rotate.lo, o.rotate.hi);

  const cv::Mat m = matrix(h, w, scale_x, scale_y, tx, ty, rotate, shear_x, shear_y);
  const cv::Mat identity = (cv::Mat_<double>(2, 3) << 1, 0, 0, 0, 1, 0);
  if (cv::norm(m, identity, cv::NORM_INF) < 1e-12) return;  // albumentations skips the warp
  sample.image = detail::warp_affine(sample.image, m, {w, h}, o.interpolation, o.mode, o.cval);
  if (sample.has_mask()) sample.mask = detail::warp_affine(sample.mask, m, {w, h}, o.mask_interpolation, o.mode, o.cval_mask);
}

std::string Affine::describe() const {
  const auto& o = options_;
  std::ostringstream out;
  out << name() << "(scale=" << axes(o.scale);
  if (o.translate_percent) out << ", translate_percent=" << axes(*o.translate_percent);
  if (o.translate_px) out << ", translate_px=" << axes(*o.translate_px);
  out << ", rotate=" << detail::format_range(o.rotate) << ", shear=" << axes(o.shear)
      << ", interpolation=" << detail::interpolation_name(o.interpolation)
      << ", mask_interpolation=" << detail::interpolation_name(o.mask_interpolation)
      << ", mode=" << detail::border_mode_name(o.mode) << ", keep_ratio=" << (o.keep_ratio ? "True" : "False")
      << ", p=" << o.p << ")";
  return out.str();
}

}  // namespace segkit::transforms
