#pragma once
// albumentations' Affine (1.3 semantics and defaults): scale, translation, rotation and shear about
// the image centre (W/2 - 0.5, H/2 - 0.5), composed as albumentations composes its skimage
// transforms:
//
//   M = C · T(sx, sy, -rotate, -shear_x, tx, ty) · R(pi/2) · Shear(-shear_y) · R(-pi/2) · C^-1
//
// with T skimage's AffineTransform ([[sx cos r, -sy sin(r + s), tx], [sx sin r, sy cos(r + s), ty]]).
// Each value is drawn per sample from its range; a scalar is a fixed value, {x, y} gives the axes
// independent ranges (keep_ratio: one scale for both). With no geometry argument at all the defaults
// are albumentations': scale 0.9-1.1 per axis, translate +-10 %, rotate +-15, shear +-10 per axis.
// The image is warped with `interpolation`, the mask with `mask_interpolation` (nearest), both with
// `mode`, filling with `cval` / `cval_mask`. fit_output is not supported.
//
//   AffineOptions options; options.rotate = {-10, 10};
//   Affine affine(options);

#include <opencv2/imgproc.hpp>

#include <optional>

#include "segkit/transforms/image_ops.h"
#include "segkit/transforms/transform.h"

namespace segkit::transforms {

struct AxisRanges {
  Range x, y;
};

struct AffineOptions {
  AxisRanges scale{{1.0, 1.0}, {1.0, 1.0}};
  std::optional<AxisRanges> translate_percent;  // fractions of width / height
  std::optional<AxisRanges> translate_px;       // whole pixels, both ends included
  Range rotate{0.0, 0.0};                       // degrees
  AxisRanges shear{{0.0, 0.0}, {0.0, 0.0}};     // degrees
  int interpolation = cv::INTER_LINEAR;
  int mask_interpolation = cv::INTER_NEAREST;
  FillValue cval, cval_mask;
  int mode = cv::BORDER_CONSTANT;
  bool keep_ratio = false;
  double p = 0.5;
};

class Affine : public Transform {
 public:
  /// Throws ConfigError for keep_ratio with different x / y scale ranges, both translations, or an
  /// unknown interpolation / border mode.
  explicit Affine(AffineOptions options = {});
  std::string name() const override { return "Affine"; }
  std::string describe() const override;

  /// The 2x3 forward matrix for drawn values (degrees, pixels), as albumentations builds it.
  static cv::Mat matrix(int height, int width, double scale_x, double scale_y, double translate_x,
                        double translate_y, double rotate, double shear_x, double shear_y);

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;

 private:
  AffineOptions options_;
};

}  // namespace segkit::transforms
