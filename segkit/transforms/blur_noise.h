#pragma once
// Image-only blur and noise (albumentations 1.3 semantics and defaults, p = 0.5). The mask is
// untouched.
//
//   GaussNoise    adds N(mean, var) noise with var ~ U(var_limit), per channel (per_channel) or one
//                 draw per pixel for all channels; the result is clipped to the depth's range.
//                 var_limit and mean are in 8-bit units: for uint16 and float images they are
//                 scaled by max_value / 255 (albumentations 1.3 adds them unscaled, which wipes
//                 out a [0, 1] float image).
//                 albumentations 2.x's form draws the standard deviation instead: sigma ~
//                 U(std_range) x max_value, mean ~ U(mean_range) x max_value (GaussNoise::from_std).
//   GaussianBlur  cv::GaussianBlur with an odd kernel size ~ blur_limit and sigma ~ sigma_limit
//                 (sigma 0: derived from the kernel size); kernel 0 derives the size from sigma.
//
//   GaussNoise noise(/*var_limit=*/{10, 50});
//   GaussianBlur blur(/*blur_limit=*/{3, 7});

#include <optional>

#include "segkit/transforms/transform.h"

namespace segkit::transforms {

class GaussNoise : public Transform {
 public:
  /// Throws ConfigError for a negative var_limit.
  explicit GaussNoise(Range var_limit = {10, 50}, double mean = 0.0, bool per_channel = true,
                      double p = 0.5);
  /// albumentations 2.x: std_range and mean_range are fractions of the depth's maximum value.
  /// Throws ConfigError unless 0 <= std_range.lo <= std_range.hi.
  static GaussNoise from_std(Range std_range, Range mean_range, bool per_channel, double p);
  std::string name() const override { return "GaussNoise"; }
  std::string describe() const override;

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;
  void check(const data::Sample& sample) const override;

 private:
  Range var_limit_;
  double mean_;
  bool per_channel_;
  std::optional<Range> std_range_;  ///< set: the 2.x form
  Range mean_range_{0, 0};
};

class GaussianBlur : public Transform {
 public:
  /// blur_limit: albumentations' to_tuple(blur_limit, 0) (7 -> (0, 7)); both ends odd or 0. When
  /// both blur_limit.lo and sigma_limit.lo are 0, blur_limit.lo becomes 3 (as albumentations).
  /// Throws ConfigError for even or negative limits.
  explicit GaussianBlur(Range blur_limit = {3, 7}, Range sigma_limit = {0, 0}, double p = 0.5);
  std::string name() const override { return "GaussianBlur"; }
  std::string describe() const override;

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;

 private:
  int blur_lo_, blur_hi_;
  Range sigma_limit_;
};

}  // namespace segkit::transforms
