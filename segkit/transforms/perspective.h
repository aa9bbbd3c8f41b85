#pragma once
// albumentations' Perspective (1.3 semantics and defaults, p = 0.5): the four corners move inwards
// by |N(0, s)| mod 0.32 of the image's width and height (s ~ U(scale)), the quadrilateral they span
// is warped onto a rectangle, and with keep_size (default) the result is resized back to the input
// size. Image and mask share the matrix; the mask is warped and resized with nearest neighbours
// and filled with mask_pad_val, so one-hot and index masks stay exact.
//
//   PerspectiveOptions options; options.scale = {0.05, 0.1};
//   Perspective perspective(options);

#include <opencv2/imgproc.hpp>

#include "segkit/transforms/image_ops.h"
#include "segkit/transforms/transform.h"

namespace segkit::transforms {

struct PerspectiveOptions {
  Range scale{0.05, 0.1};
  bool keep_size = true;
  int pad_mode = cv::BORDER_CONSTANT;
  FillValue pad_val;
  FillValue mask_pad_val;
  bool fit_output = false;
  int interpolation = cv::INTER_LINEAR;
  double p = 0.5;
};

class Perspective : public Transform {
 public:
  /// Throws ConfigError for a negative scale, fit_output (not supported), or an unknown
  /// interpolation / border mode.
  explicit Perspective(PerspectiveOptions options = {});
  std::string name() const override { return "Perspective"; }
  std::string describe() const override;

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;

 private:
  PerspectiveOptions options_;
};

}  // namespace segkit::transforms
