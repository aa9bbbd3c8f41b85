#pragma once
// Normalize: img = (img - mean * max_pixel_value) / (std * max_pixel_value), output CV_32F with the
// same channels; the mask is untouched. Defaults are ImageNet's, as albumentations and SMP's
// preprocessing (get_preprocessing_params) use: mean (0.485, 0.456, 0.406), std (0.229, 0.224,
// 0.225), max_pixel_value 255, p = 1.
//
// Channels: mean/std with one value apply to every channel; with C values, to C channels; a
// 1-channel image with 3-value mean/std uses the first value (grey images with the default
// ImageNet statistics). Anything else is a ShapeError.
// uint16 images: set max_pixel_value to the sensor's range (65535, or 4095 for 12-bit data); the
// default 255 is for uint8. Float images already in [0, 1] want max_pixel_value 1.
//
//   NormalizeOptions options;                 // ImageNet
//   Normalize normalize(options);             // CV_8UC3 -> CV_32FC3, about N(0, 1) per channel

#include <vector>

#include "segkit/transforms/transform.h"

namespace segkit::transforms {

struct NormalizeOptions {
  std::vector<double> mean{0.485, 0.456, 0.406};
  std::vector<double> std{0.229, 0.224, 0.225};
  double max_pixel_value = 255.0;
  double p = 1.0;
};

class Normalize : public Transform {
 public:
  /// Throws ConfigError for empty mean/std, a zero std or max_pixel_value.
  explicit Normalize(NormalizeOptions options = {});
  std::string name() const override { return "Normalize"; }
  std::string describe() const override;

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;
  void check(const data::Sample& sample) const override;

 private:
  /// Per-channel (mean, 1/std) in pixel units for a `channels`-channel image; ShapeError if none
  /// fit.
  std::pair<std::vector<double>, std::vector<double>> statistics(int channels) const;

  NormalizeOptions options_;
};

}  // namespace segkit::transforms
