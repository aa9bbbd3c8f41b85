#pragma once
// Transforms that change the output size: crops, Resize and PadIfNeeded (albumentations 1.3
// semantics and defaults; p = 1 for all of them, as in albumentations). The mask is cropped with
// the same window and resized with nearest-neighbour.
//
//   RandomCrop           height x width window at a uniform position. ShapeError when the image
//                        is smaller (put PadIfNeeded first).
//   CenterCrop           the centred window, top-left ((H - h) / 2, (W - w) / 2) rounded down.
//   RandomResizedCrop    torchvision's: area ~ U(scale) * H*W, log aspect ~ U(log ratio), 10 tries,
//                        else a centre crop clamped to the ratio; resized to height x width.
//   RandomSizedCrop      crop height ~ randint(min_max_height), width = int(height * w2h_ratio),
//                        uniform position; resized to height x width.
//   CropNonEmptyMaskIfExists  a height x width window containing a uniformly drawn foreground pixel
//                        of the mask (any channel, after ignore_values / ignore_channels), else a
//                        random window; without a mask, a random window.
//   Resize               to height x width.
//   PadIfNeeded          pads up to min_height x min_width (or up to a multiple of
//                        pad_height_divisor / pad_width_divisor), placed by `position`.
//
//   PadIfNeededOptions pad;
//   pad.min_height = 256; pad.min_width = 256;
//   PadIfNeeded pad_transform(pad);

#include <array>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <vector>

#include "segkit/transforms/image_ops.h"
#include "segkit/transforms/transform.h"

namespace segkit::transforms {

/// Throws ConfigError unless height and width are >= 1.
class RandomCrop : public Transform {
 public:
  RandomCrop(int height, int width, double p = 1.0);
  std::string name() const override { return "RandomCrop"; }
  std::string describe() const override;

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;
  void check(const data::Sample& sample) const override;

 private:
  int height_, width_;
};

class CenterCrop : public Transform {
 public:
  CenterCrop(int height, int width, double p = 1.0);
  std::string name() const override { return "CenterCrop"; }
  std::string describe() const override;

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;
  void check(const data::Sample& sample) const override;

 private:
  int height_, width_;
};

struct RandomResizedCropOptions {
  int height = 0;  // required
  int width = 0;   // required
  Range scale{0.08, 1.0};
  Range ratio{0.75, 1.3333333333333333};
  int interpolation = cv::INTER_LINEAR;
  double p = 1.0;
};

class RandomResizedCrop : public Transform {
 public:
  explicit RandomResizedCrop(RandomResizedCropOptions options);
  std::string name() const override { return "RandomResizedCrop"; }
  std::string describe() const override;

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;

 private:
  RandomResizedCropOptions options_;
};

struct RandomSizedCropOptions {
  int min_height = 0;  // min_max_height[0], required
  int max_height = 0;  // min_max_height[1], required
  int height = 0;      // output, required
  int width = 0;       // output, required
  double w2h_ratio = 1.0;
  int interpolation = cv::INTER_LINEAR;
  double p = 1.0;
};

class RandomSizedCrop : public Transform {
 public:
  explicit RandomSizedCrop(RandomSizedCropOptions options);
  std::string name() const override { return "RandomSizedCrop"; }
  std::string describe() const override;

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;
  /// The largest crop, max_height x int(max_height * w2h_ratio), must fit the image.
  void check(const data::Sample& sample) const override;

 private:
  RandomSizedCropOptions options_;
};

struct CropNonEmptyMaskIfExistsOptions {
  int height = 0;                    // required
  int width = 0;                     // required
  std::vector<int> ignore_values;    // mask values treated as background
  std::vector<int> ignore_channels;  // mask channels not searched for foreground
  double p = 1.0;
};

class CropNonEmptyMaskIfExists : public Transform {
 public:
  explicit CropNonEmptyMaskIfExists(CropNonEmptyMaskIfExistsOptions options);
  std::string name() const override { return "CropNonEmptyMaskIfExists"; }
  std::string describe() const override;

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;
  void check(const data::Sample& sample) const override;

 private:
  CropNonEmptyMaskIfExistsOptions options_;
};

class Resize : public Transform {
 public:
  Resize(int height, int width, int interpolation = cv::INTER_LINEAR, double p = 1.0);
  cv::Size size() const { return {width_, height_}; }
  std::string name() const override { return "Resize"; }
  std::string describe() const override;

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;

 private:
  int height_, width_, interpolation_;
};

/// albumentations' RandomScale: the image (and mask, nearest) resized by a factor s ~ U(scale),
/// to (int(h * s), int(w * s)). `scale` is the factor range itself: albumentations' scale_limit L
/// is (1 - L, 1 + L) and a list [a, b] is (1 + a, 1 + b) (transform_registry.cpp converts).
class RandomScale : public Transform {
 public:
  /// Throws ConfigError unless 0 < lo <= hi.
  RandomScale(Range scale, int interpolation = cv::INTER_LINEAR, double p = 0.5);
  std::string name() const override { return "RandomScale"; }
  std::string describe() const override;

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;

 private:
  Range scale_;
  int interpolation_;
};

/// Where PadIfNeeded puts the image inside the padded canvas.
enum class PadPosition { kCenter, kTopLeft, kTopRight, kBottomLeft, kBottomRight, kRandom };

/// "center", "top_left", "top_right", "bottom_left", "bottom_right", "random"; ConfigError else.
PadPosition pad_position_from_name(const std::string& name);
std::string pad_position_name(PadPosition position);

struct PadIfNeededOptions {
  // Exactly one of min_height / pad_height_divisor (and of min_width / pad_width_divisor) is set.
  std::optional<int> min_height = 1024;
  std::optional<int> min_width = 1024;
  std::optional<int> pad_height_divisor;
  std::optional<int> pad_width_divisor;
  PadPosition position = PadPosition::kCenter;
  int border_mode = cv::BORDER_REFLECT_101;
  FillValue value;
  FillValue mask_value;
  double p = 1.0;
};

class PadIfNeeded : public Transform {
 public:
  explicit PadIfNeeded(PadIfNeededOptions options = {});
  /// {top, bottom, left, right} for an image of `size`; nullopt for position random.
  std::optional<std::array<int, 4>> padding(cv::Size size) const;
  std::string name() const override { return "PadIfNeeded"; }
  std::string describe() const override;

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;

 private:
  std::array<int, 4> placed_padding(cv::Size size, Rng& rng) const;
  PadIfNeededOptions options_;
};

}  // namespace segkit::transforms
