#pragma once
// The transform contract: albumentations-style augmentation that changes a Sample's image and mask
// together, torch-free (OpenCV core + imgproc).
//
// A Transform has a probability `p`. Calling it draws u ~ U[0, 1) from the Rng and applies the
// transform when u < p (albumentations' `random.random() < p`); the draw happens for every p, so a
// pipeline consumes the same stream whatever it decides. force() applies without the draw
// (albumentations' force_apply=True, used by OneOf and Sometimes on the child they pick).
//
// Geometric transforms move image and mask with the same parameters; the mask is always resampled
// with nearest-neighbour and padded with `mask_value` (0 unless set), so labels never blend and
// stay 0/1. Masks may have any number of channels (OpenCV calls limited to 4 channels are run in
// chunks of 4). A sample without a mask (empty Mat) is fine. Colour transforms touch only the
// image. Shapes: image H x W x C (RGB, CV_8U / CV_16U / CV_32F), mask H x W x K CV_8U (see
// data/sample.h).
//
// Determinism: Rng::for_sample(seed, epoch, index) derives an independent stream per sample, so a
// batch is identical whatever the number of loader threads or the order they run in. Rng draws
// are computed from the raw 64-bit engine output (never std::*_distribution, whose results differ
// between standard libraries), so a seed gives the same augmentations on every platform.
//
//   auto rng = segkit::transforms::Rng::for_sample(/*seed=*/42, /*epoch=*/3, /*index=*/17);
//   segkit::transforms::HorizontalFlip flip(/*p=*/0.5);
//   flip(sample, rng);  // flips image and mask together half of the time
//
// Errors: a sample whose mask size differs from its image size is a ShapeError; an empty image is
// a DataError; p outside [0, 1] is a ConfigError.

#include <cstdint>
#include <memory>
#include <random>
#include <string>

#include "segkit/data/sample.h"

namespace segkit::transforms {

/// A closed interval [lo, hi] of a random parameter (albumentations' `to_tuple` result).
struct Range {
  double lo = 0.0;
  double hi = 0.0;
  /// (-limit, +limit), albumentations' to_tuple(limit).
  static Range symmetric(double limit) { return {-limit, limit}; }
};

/// Random stream of one sample: std::mt19937_64 plus portable draws.
class Rng {
 public:
  explicit Rng(uint64_t seed = 0) : engine_(seed) {}

  /// An independent stream for (seed, epoch, index), derived by chained splitmix64 hashing.
  static Rng for_sample(uint64_t seed, uint64_t epoch, uint64_t index);

  uint64_t next_u64() { return engine_(); }
  /// Uniform in [a, b) (53-bit resolution); a when a == b.
  double uniform(double a = 0.0, double b = 1.0);
  /// Uniform integer in [a, b], both inclusive (Python's random.randint); a <= b.
  int64_t uniform_int(int64_t a, int64_t b);
  /// Normal(mean, stddev) by Box-Muller.
  double normal(double mean = 0.0, double stddev = 1.0);
  /// True with probability p.
  bool bernoulli(double p) { return uniform() < p; }

  std::mt19937_64& engine() { return engine_; }

 private:
  std::mt19937_64 engine_;
  double spare_normal_ = 0.0;
  bool has_spare_ = false;
};

/// splitmix64's output function: a bijective 64-bit mix.
uint64_t splitmix64(uint64_t x);

class Transform {
 public:
  /// Throws ConfigError unless 0 <= p <= 1.
  explicit Transform(double p);
  virtual ~Transform();
  Transform(const Transform&) = default;
  Transform& operator=(const Transform&) = default;

  /// Checks the sample (check()), draws u ~ U[0, 1) and applies the transform when u < p.
  void operator()(data::Sample& sample, Rng& rng) const;
  /// Applies without the draw (albumentations' force_apply=True).
  void force(data::Sample& sample, Rng& rng) const;

  double p() const { return p_; }
  /// The albumentations class name, e.g. "ShiftScaleRotate".
  virtual std::string name() const = 0;
  /// One line with the parameters, e.g. "HorizontalFlip(p=0.5)".
  virtual std::string describe() const;

 protected:
  virtual void apply(data::Sample& sample, Rng& rng) const = 0;
  /// Rejects a sample the transform cannot handle (depth, channels, size) before the draw, so a
  /// bad pipeline fails on the first sample whatever p is. The base checks image/mask sizes.
  virtual void check(const data::Sample& sample) const;

 private:
  double p_;
};

using TransformPtr = std::shared_ptr<const Transform>;

}  // namespace segkit::transforms
