#pragma once
// Combinators (albumentations' Compose and OneOf, imgaug's Sometimes).
//
//   Compose(transforms, p = 1)   with probability p, calls every child in order (each child then
//                                draws against its own p).
//   OneOf(transforms, p = 0.5)   with probability p, picks ONE child with probability
//                                child.p / sum(children's p) and applies it forced (its own p is
//                                a weight, not a second draw), as albumentations does.
//   Sometimes(p, child)          with probability p, applies the child forced.
//
//   auto pipeline = std::make_shared<Compose>(std::vector<TransformPtr>{
//       std::make_shared<HorizontalFlip>(0.5),
//       std::make_shared<OneOf>(std::vector<TransformPtr>{noise, blur}, 0.3)});
//   (*pipeline)(sample, rng);

#include <vector>

#include "segkit/transforms/transform.h"

namespace segkit::transforms {

class Compose : public Transform {
 public:
  /// Throws ConfigError for a null child.
  explicit Compose(std::vector<TransformPtr> transforms, double p = 1.0);
  std::string name() const override { return "Compose"; }
  std::string describe() const override;
  const std::vector<TransformPtr>& transforms() const { return transforms_; }

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;

 private:
  std::vector<TransformPtr> transforms_;
};

class OneOf : public Transform {
 public:
  /// Throws ConfigError for a null child, or children whose p add up to 0. No children: a no-op.
  explicit OneOf(std::vector<TransformPtr> transforms, double p = 0.5);
  std::string name() const override { return "OneOf"; }
  std::string describe() const override;
  const std::vector<TransformPtr>& transforms() const { return transforms_; }

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;

 private:
  std::vector<TransformPtr> transforms_;
  std::vector<double> cumulative_;  // normalised cumulative weights, last = 1
};

class Sometimes : public Transform {
 public:
  /// Throws ConfigError for a null child.
  Sometimes(double p, TransformPtr child);
  std::string name() const override { return "Sometimes"; }
  std::string describe() const override;
  const TransformPtr& child() const { return child_; }

 protected:
  void apply(data::Sample& sample, Rng& rng) const override;

 private:
  TransformPtr child_;
};

}  // namespace segkit::transforms
