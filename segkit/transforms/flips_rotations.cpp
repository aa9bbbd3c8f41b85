#include "segkit/transforms/flips_rotations.h"

#include <opencv2/core.hpp>

#include "segkit/transforms/image_ops.h"

namespace segkit::transforms {
namespace {

cv::Mat flipped(const cv::Mat& src, int code) {
  cv::Mat out;
  cv::flip(src, out, code);
  return out;
}

}  // namespace

void HorizontalFlip::apply(data::Sample& sample, Rng&) const {
  sample.image = flipped(sample.image, 1);
  if (sample.has_mask()) sample.mask = flipped(sample.mask, 1);
}

void VerticalFlip::apply(data::Sample& sample, Rng&) const {
  sample.image = flipped(sample.image, 0);
  if (sample.has_mask()) sample.mask = flipped(sample.mask, 0);
}

void Transpose::apply(data::Sample& sample, Rng&) const {
  sample.image = detail::transpose(sample.image);
  if (sample.has_mask()) sample.mask = detail::transpose(sample.mask);
}

void RandomRotate90::apply(data::Sample& sample, Rng& rng) const {
  const int factor = static_cast<int>(rng.uniform_int(0, 3));
  sample.image = detail::rot90(sample.image, factor);
  if (sample.has_mask()) sample.mask = detail::rot90(sample.mask, factor);
}

}  // namespace segkit::transforms
