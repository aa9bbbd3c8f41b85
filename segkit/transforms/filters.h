#pragma once
// Image-only convolution filters with albumentations 1.3 semantics and defaults (p = 0.5); the mask
// is untouched. Kernel sizes are drawn like albumentations: an odd size from blur_limit (a scalar L
// means (3, L)), every odd value equally likely.
//
//   Blur        box filter (cv::blur) of a random odd size
//   MotionBlur  a random line through a size x size kernel (normalised to sum 1), as albumentations
//               draws it: both ends uniform in the kernel, re-drawn when they coincide;
//               allow_shifted false centres the line
//   Sharpen     (1 - alpha) * identity + alpha * [[-1,-1,-1],[-1,8+lightness,-1],[-1,-1,-1]],
//               alpha ~ U(alpha), lightness ~ U(lightness), applied with cv::filter2D (8-bit
//               results saturate as cv2.filter2D's do)
//
//   Blur blur(/*blur_limit=*/{3, 7});
//   Sharpen sharpen(/*alpha=*/{0.2, 0.5}, /*lightness=*/{0.5, 1.0});

#include "segkit/transforms/transform.h"

namespace segkit::transforms {

class Blur : public Transform {
 public:
  /// Throws ConfigError unless 3 <= lo <= hi.
  explicit Blur(Range blur_limit = {3, 7}, double p = 0.5);
  std::string name() const override { return "Blur"; }
  std::string describe() const override;

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;

 private:
  int lo_, hi_;
};

class MotionBlur : public Transform {
 public:
  /// Throws ConfigError unless 3 <= lo <= hi.
  explicit MotionBlur(Range blur_limit = {3, 7}, bool allow_shifted = true, double p = 0.5);
  std::string name() const override { return "MotionBlur"; }
  std::string describe() const override;

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;

 private:
  int lo_, hi_;
  bool allow_shifted_;
};

class Sharpen : public Transform {
 public:
  /// Throws ConfigError unless 0 <= alpha <= 1 and lightness >= 0.
  explicit Sharpen(Range alpha = {0.2, 0.5}, Range lightness = {0.5, 1.0}, double p = 0.5);
  std::string name() const override { return "Sharpen"; }
  std::string describe() const override;

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;

 private:
  Range alpha_, lightness_;
};

}  // namespace segkit::transforms
