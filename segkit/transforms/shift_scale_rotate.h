#pragma once
// ShiftScaleRotate: a random affine warp (albumentations 1.3 semantics).
//
//   angle ~ U(rotate_limit)            degrees, counter-clockwise for positive angles
//   scale ~ U(1 + scale_limit.lo, 1 + scale_limit.hi)
//   dx ~ U(shift_limit_x), dy ~ U(shift_limit_y)   fractions of width / height
//   M = cv::getRotationMatrix2D((W/2 - 0.5, H/2 - 0.5), angle, scale); M[0,2] += dx*W; M[1,2] +=
//   dy*H
//
// The image is warped with `interpolation`, the mask with nearest-neighbour, both with
// `border_mode`; a constant border fills the image with `value` and the mask with `mask_value`.
// Output size = input size.
//
//   ShiftScaleRotateOptions options;
//   options.rotate_limit = Range::symmetric(15);
//   ShiftScaleRotate ssr(options);

#include <opencv2/imgproc.hpp>

#include "segkit/transforms/image_ops.h"
#include "segkit/transforms/transform.h"

namespace segkit::transforms {

struct ShiftScaleRotateOptions {
  Range shift_limit_x = Range::symmetric(0.0625);  // albumentations shift_limit (or shift_limit_x)
  Range shift_limit_y = Range::symmetric(0.0625);  // albumentations shift_limit (or shift_limit_y)
  Range scale_limit = Range::symmetric(0.1);       // 1 is added to both ends
  Range rotate_limit = Range::symmetric(45);       // degrees
  int interpolation = cv::INTER_LINEAR;
  int border_mode = cv::BORDER_REFLECT_101;
  FillValue value;       // image fill for BORDER_CONSTANT; empty = 0
  FillValue mask_value;  // mask fill for BORDER_CONSTANT; empty = 0
  double p = 0.5;
};

class ShiftScaleRotate : public Transform {
 public:
  /// Throws ConfigError for an unknown interpolation / border mode or a scale range below 0.
  explicit ShiftScaleRotate(ShiftScaleRotateOptions options = {});
  std::string name() const override { return "ShiftScaleRotate"; }
  std::string describe() const override;
  const ShiftScaleRotateOptions& options() const { return options_; }

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;

 private:
  ShiftScaleRotateOptions options_;
};

}  // namespace segkit::transforms
