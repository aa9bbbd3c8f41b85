#pragma once
// Lossless geometric transforms: flips, transpose and quarter turns (albumentations'
// HorizontalFlip, VerticalFlip, Transpose, RandomRotate90). Image and mask move together; no
// interpolation, so every pixel keeps its value. Default p = 0.5 for all four, as in
// albumentations.
//
//   segkit::transforms::RandomRotate90 rotate;       // p = 0.5
//   rotate(sample, rng);                              // 0, 1, 2 or 3 counter-clockwise turns
//
// Transpose and odd quarter turns swap height and width.

#include "segkit/transforms/transform.h"

namespace segkit::transforms {

/// Mirrors left-right (cv::flip code 1).
class HorizontalFlip : public Transform {
 public:
  explicit HorizontalFlip(double p = 0.5) : Transform(p) {}
  std::string name() const override { return "HorizontalFlip"; }

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;
};

/// Mirrors top-bottom (cv::flip code 0).
class VerticalFlip : public Transform {
 public:
  explicit VerticalFlip(double p = 0.5) : Transform(p) {}
  std::string name() const override { return "VerticalFlip"; }

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;
};

/// Swaps rows and columns: out(y, x) = in(x, y); H x W becomes W x H.
class Transpose : public Transform {
 public:
  explicit Transpose(double p = 0.5) : Transform(p) {}
  std::string name() const override { return "Transpose"; }

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;
};

/// np.rot90(img, k) with k drawn uniformly from {0, 1, 2, 3}: k counter-clockwise quarter turns.
class RandomRotate90 : public Transform {
 public:
  explicit RandomRotate90(double p = 0.5) : Transform(p) {}
  std::string name() const override { return "RandomRotate90"; }

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;
};

}  // namespace segkit::transforms
