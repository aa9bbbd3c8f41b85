#pragma once
// fastai v1's default augmentation, `get_transforms()` (vision/transform.py), as one transform:
//
//   symmetric_warp(magnitude=(-max_warp, max_warp), p=p_affine)      corners moved, perspective
//   [dihedral_affine() if flip_vert]                                  one of the 8 dihedral maps
//   rotate(degrees=(-max_rotate, max_rotate), p=p_affine)
//   rand_zoom(scale=(1, max_zoom), p=p_affine)                        random focal point
//   brightness(change=(0.5 (1 - max_lighting), 0.5 (1 + max_lighting)), p=p_lighting)
//   contrast(scale=(1 - max_lighting, 1 / (1 - max_lighting)), log-uniform, p=p_lighting)
//   flip_lr(p=0.5) if do_flip and not flip_vert
//
// applied in fastai's order and way: the warp and the affine maps act on the sampling grid in
// [-1, 1] coordinates (the affine's off-diagonal terms corrected for the aspect ratio), one bilinear
// resample with reflection padding (align_corners=True), then lighting in logit space
// (sigmoid((logit(x) + logit(change)) * scale)), then the flip. The mask follows every geometric
// step with nearest neighbours and no lighting. Lighting results are rounded back to the image's
// integer type where it has one (fastai stays in float).
//
//   FastaiTransformsOptions options;   // get_transforms() defaults
//   FastaiTransforms augment(options);

#include <opencv2/imgproc.hpp>

#include "segkit/transforms/transform.h"

namespace segkit::transforms {

struct FastaiTransformsOptions {
  bool do_flip = true;
  bool flip_vert = false;
  double max_rotate = 10.0;
  double max_zoom = 1.1;
  double max_lighting = 0.2;
  double max_warp = 0.2;
  double p_affine = 0.75;
  double p_lighting = 0.75;
  int interpolation = cv::INTER_LINEAR;  // fastai's mode="bilinear"; the mask is always nearest
  double p = 1.0;
};

class FastaiTransforms : public Transform {
 public:
  /// Throws ConfigError for max_zoom < 1, max_lighting outside [0, 1), a negative angle or warp, or
  /// probabilities outside [0, 1].
  explicit FastaiTransforms(FastaiTransformsOptions options = {});
  std::string name() const override { return "FastaiTransforms"; }
  std::string describe() const override;

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;

 private:
  FastaiTransformsOptions options_;
};

}  // namespace segkit::transforms
