#include "segkit/transforms/shift_scale_rotate.h"

#include <sstream>

#include "segkit/core/error.h"

namespace segkit::transforms {

ShiftScaleRotate::ShiftScaleRotate(ShiftScaleRotateOptions options)
    : Transform(options.p), options_(std::move(options)) {
  detail::check_interpolation(options_.interpolation);
  detail::check_border_mode(options_.border_mode);
  if (1.0 + options_.scale_limit.lo <= 0.0) {
    throw ConfigError("scale_limit " + detail::format_range(options_.scale_limit) +
                      " allows a scale of 1 + " + std::to_string(options_.scale_limit.lo) +
                      " <= 0; keep scale_limit above -1");
  }
}

void ShiftScaleRotate::apply(data::Sample& sample, Rng& rng) const {
  const auto& o = options_;
  const double angle = rng.uniform(o.rotate_limit.lo, o.rotate_limit.hi);
  const double scale = rng.uniform(1.0 + o.scale_limit.lo, 1.0 + o.scale_limit.hi);
  const double dx = rng.uniform(o.shift_limit_x.lo, o.shift_limit_x.hi);
  const double dy = rng.uniform(o.shift_limit_y.lo, o.shift_limit_y.hi);

  const int height = sample.image.rows;
  const int width = sample.image.cols;
  // albumentations shifts the centre by half a pixel so that 90-degree turns land on the grid.
  const cv::Point2f center(static_cast<float>(width / 2.0 - 0.5),
                           static_cast<float>(height / 2.0 - 0.5));
  cv::Mat matrix = cv::getRotationMatrix2D(center, angle, scale);
  matrix.at<double>(0, 2) += dx * width;
  matrix.at<double>(1, 2) += dy * height;

  const cv::Size size(width, height);
  sample.image =
      detail::warp_affine(sample.image, matrix, size, o.interpolation, o.border_mode, o.value);
  if (sample.has_mask()) {
    sample.mask = detail::warp_affine(sample.mask, matrix, size, cv::INTER_NEAREST, o.border_mode,
                                      o.mask_value);
  }
}

std::string ShiftScaleRotate::describe() const {
  const auto& o = options_;
  std::ostringstream out;
  out << name() << "(shift_limit_x=" << detail::format_range(o.shift_limit_x)
      << ", shift_limit_y=" << detail::format_range(o.shift_limit_y)
      << ", scale_limit=" << detail::format_range(o.scale_limit)
      << ", rotate_limit=" << detail::format_range(o.rotate_limit)
      << ", interpolation=" << detail::interpolation_name(o.interpolation)
      << ", border_mode=" << detail::border_mode_name(o.border_mode)
      << ", value=" << detail::format_fill(o.value)
      << ", mask_value=" << detail::format_fill(o.mask_value) << ", p=" << p() << ")";
  return out.str();
}

}  // namespace segkit::transforms
