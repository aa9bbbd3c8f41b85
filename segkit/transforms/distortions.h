#pragma once
// Non-affine warps (albumentations 1.3 semantics): GridDistortion, ElasticTransform and
// OpticalDistortion. The image
// is resampled with `interpolation`, the mask with nearest-neighbour from the same maps, both with
// `border_mode`; a constant border fills the image with `value` and the mask with `mask_value`.
// Output size = input size.
//
// GridDistortion: the width is cut into num_steps cells of W / num_steps pixels (the remainder is
// a last, smaller cell); each cell boundary is stretched by a factor 1 + U(distort_limit), and the
// source coordinate of each output column is interpolated linearly inside its cell (same for
// rows). `normalized` rescales the factors so the distortion never samples outside the image.
//
// ElasticTransform (Simard 2003, as albumentations 1.x): first a random affine warp that moves
// three points around the centre by U(-alpha_affine, alpha_affine) pixels each, then a dense
// displacement field dx, dy = alpha * gaussian_filter(U(-1, 1) per pixel, sigma) (scipy's
// truncate=4 kernel and 'reflect' border; `approximate` uses a 17x17 kernel instead, `same_dxdy`
// reuses dx for dy). Note albumentations' defaults (alpha 1, sigma 50) make the dense field tiny;
// alpha_affine 50 dominates.
//
// OpticalDistortion: a radial lens distortion k ~ U(distort_limit) with the optical centre moved by
// (dx, dy) = round(U(shift_limit)) pixels, through cv::initUndistortRectifyMap with the camera
// matrix [[w, 0, w/2 + dx], [0, h, h/2 + dy], [0, 0, 1]] and coefficients (k, k, 0, 0, 0). Like
// albumentations 1.3, the shift is rounded to whole pixels, so the default shift_limit 0.05 never
// moves the centre.
//
//   GridDistortionOptions options;
//   options.distort_limit = Range::symmetric(0.2);
//   GridDistortion grid(options);

#include <opencv2/imgproc.hpp>

#include "segkit/transforms/image_ops.h"
#include "segkit/transforms/transform.h"

namespace segkit::transforms {

struct GridDistortionOptions {
  int num_steps = 5;
  Range distort_limit = Range::symmetric(0.3);
  int interpolation = cv::INTER_LINEAR;
  int border_mode = cv::BORDER_REFLECT_101;
  FillValue value;
  FillValue mask_value;
  bool normalized = false;
  double p = 0.5;
};

class GridDistortion : public Transform {
 public:
  /// Throws ConfigError for num_steps < 1 or an unknown interpolation / border mode.
  explicit GridDistortion(GridDistortionOptions options = {});
  std::string name() const override { return "GridDistortion"; }
  std::string describe() const override;

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;

 private:
  GridDistortionOptions options_;
};

struct ElasticTransformOptions {
  double alpha = 1.0;
  double sigma = 50.0;
  double alpha_affine = 50.0;
  int interpolation = cv::INTER_LINEAR;
  int border_mode = cv::BORDER_REFLECT_101;
  FillValue value;
  FillValue mask_value;
  bool approximate = false;
  bool same_dxdy = false;
  double p = 0.5;
};

class ElasticTransform : public Transform {
 public:
  /// Throws ConfigError for sigma <= 0, alpha_affine < 0 or an unknown interpolation / border mode.
  explicit ElasticTransform(ElasticTransformOptions options = {});
  std::string name() const override { return "ElasticTransform"; }
  std::string describe() const override;

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;

 private:
  ElasticTransformOptions options_;
};

struct OpticalDistortionOptions {
  Range distort_limit = Range::symmetric(0.05);
  Range shift_limit = Range::symmetric(0.05);
  int interpolation = cv::INTER_LINEAR;
  int border_mode = cv::BORDER_REFLECT_101;
  FillValue value;
  FillValue mask_value;
  double p = 0.5;
};

class OpticalDistortion : public Transform {
 public:
  /// Throws ConfigError for an unknown interpolation / border mode.
  explicit OpticalDistortion(OpticalDistortionOptions options = {});
  std::string name() const override { return "OpticalDistortion"; }
  std::string describe() const override;

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;

 private:
  OpticalDistortionOptions options_;
};

}  // namespace segkit::transforms
