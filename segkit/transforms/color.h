#pragma once
// Colour transforms (albumentations 1.3 semantics and defaults, p = 0.5). They change only the
// image; the mask is untouched. Images are uint8 (CV_8U, clipped to [0, 255] and truncated as
// numpy's astype does), uint16 (CV_16U, [0, 65535]) or float32 (CV_32F, assumed in [0, 1] and
// clipped to it, as albumentations' MAX_VALUES_BY_DTYPE says), with 1 or 3 channels where noted.
//
//   RandomBrightnessContrast  img * (1 + U(contrast_limit)) + U(brightness_limit) * max_value
//                             (brightness_by_max) or * mean(img) (not by max); any channel count.
//   RandomGamma               (img / max)^(U(gamma_limit) / 100) * max; any channel count.
//   HueSaturationValue        shifts H, S, V by U(limit) in OpenCV's 8-bit HSV units (hue 0-180,
//                             saturation and value 0-255); 3 channels (RGB), or 1 channel where
//                             only the value shift applies, as in albumentations.
//   CLAHE                     OpenCV CLAHE with clipLimit ~ U(clip_limit) on L of LAB (RGB) or on
//                             the grey channel; uint8 only, 1 or 3 channels.
//
//   RandomBrightnessContrastOptions options;
//   options.brightness_limit = Range::symmetric(0.1);
//   RandomBrightnessContrast brightness(options);

#include <opencv2/core.hpp>

#include "segkit/transforms/transform.h"

namespace segkit::transforms {

struct RandomBrightnessContrastOptions {
  Range brightness_limit = Range::symmetric(0.2);
  Range contrast_limit = Range::symmetric(0.2);  // 1 is added to both ends
  bool brightness_by_max = true;
  double p = 0.5;
};

class RandomBrightnessContrast : public Transform {
 public:
  explicit RandomBrightnessContrast(RandomBrightnessContrastOptions options = {});
  std::string name() const override { return "RandomBrightnessContrast"; }
  std::string describe() const override;

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;
  void check(const data::Sample& sample) const override;

 private:
  RandomBrightnessContrastOptions options_;
};

class RandomGamma : public Transform {
 public:
  /// gamma = U(gamma_limit) / 100. Throws ConfigError unless gamma_limit.lo > 0.
  explicit RandomGamma(Range gamma_limit = {80, 120}, double p = 0.5);
  std::string name() const override { return "RandomGamma"; }
  std::string describe() const override;

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;
  void check(const data::Sample& sample) const override;

 private:
  Range gamma_limit_;
};

struct HueSaturationValueOptions {
  Range hue_shift_limit = Range::symmetric(20);
  Range sat_shift_limit = Range::symmetric(30);
  Range val_shift_limit = Range::symmetric(20);
  double p = 0.5;
};

/// Throws ShapeError (at apply) for images with other than 1 or 3 channels.
class HueSaturationValue : public Transform {
 public:
  explicit HueSaturationValue(HueSaturationValueOptions options = {});
  std::string name() const override { return "HueSaturationValue"; }
  std::string describe() const override;

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;
  void check(const data::Sample& sample) const override;

 private:
  HueSaturationValueOptions options_;
};

/// Throws (at apply) DataError for non-uint8 images, ShapeError for other than 1 or 3 channels.
class CLAHE : public Transform {
 public:
  /// clip_limit: albumentations' to_tuple(clip_limit, 1), i.e. 4 -> (1, 4). tile_grid_size is
  /// cv2's (width, height) tuple order.
  explicit CLAHE(Range clip_limit = {1, 4}, cv::Size tile_grid_size = {8, 8}, double p = 0.5);
  std::string name() const override { return "CLAHE"; }
  std::string describe() const override;

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;
  void check(const data::Sample& sample) const override;

 private:
  Range clip_limit_;
  cv::Size tile_grid_size_;
};

}  // namespace segkit::transforms
