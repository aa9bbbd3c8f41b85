#pragma once
// albumentations' CoarseDropout (and the older Cutout): rectangular holes filled with a constant in
// the image, and in the mask when `mask_fill_value` is set (otherwise the mask keeps its labels).
// A size given as an integer is in pixels, as a float in (0, 1] a fraction of the image's height or
// width; the number of holes is uniform in [min_holes, max_holes], each hole's height and width
// uniform in their ranges, its corner uniform over the positions that keep it inside the image.
//
// Names: albumentations 1.x (max_holes 8, max_height 8, max_width 8, min_* = max_*, fill_value 0,
// mask_fill_value null) and 2.x (num_holes_range [1, 2], hole_height_range [0.1, 0.2],
// hole_width_range [0.1, 0.2], fill 0, fill_mask null); each set brings its own defaults
// (transform_registry.cpp). Cutout(num_holes 8, max_h_size 8, max_w_size 8, fill_value 0): holes of
// exactly that size.
//
//   CoarseDropoutOptions options; options.holes = {1, 2}; options.height = {0.1, 0.2}; options.width = {0.1, 0.2};
//   CoarseDropout dropout(options);

#include <optional>

#include "segkit/transforms/image_ops.h"
#include "segkit/transforms/transform.h"

namespace segkit::transforms {

struct CoarseDropoutOptions {
  Range holes{8, 8};
  Range height{8, 8};   ///< integers: pixels; floats in (0, 1]: fractions of the image height
  Range width{8, 8};
  FillValue fill_value;                      ///< empty: 0
  std::optional<FillValue> mask_fill_value;  ///< nullopt: the mask is not touched
  double p = 0.5;
};

class CoarseDropout : public Transform {
 public:
  /// Throws ConfigError for negative or inverted ranges, or sizes mixing pixels and fractions.
  explicit CoarseDropout(CoarseDropoutOptions options = {});
  std::string name() const override { return "CoarseDropout"; }
  std::string describe() const override;

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;

 private:
  CoarseDropoutOptions options_;
};

}  // namespace segkit::transforms
