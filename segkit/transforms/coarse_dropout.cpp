#include "segkit/transforms/coarse_dropout.h"

#include <cmath>
#include <sstream>

#include "segkit/core/error.h"

namespace segkit::transforms {
namespace {

// Integers with a maximum of at least 1 are pixels; anything else is a fraction of the image.
bool in_pixels(const Range& range) {
  return range.lo == std::floor(range.lo) && range.hi == std::floor(range.hi) && range.hi >= 1;
}

void check_size(const Range& range, const char* key) {
  if (!(range.lo >= 0 && range.lo <= range.hi)) {
    throw ConfigError(std::string("CoarseDropout: ") + key + " must be 0 <= min <= max, got " + detail::format_range(range));
  }
  if (!in_pixels(range) && range.hi > 1.0) {
    throw ConfigError(std::string("CoarseDropout: ") + key + " " + detail::format_range(range) +
                      " mixes pixels (integers) and fractions of the image (floats in (0, 1])");
  }
}

// albumentations: random.randint for pixel sizes, int(size * uniform) for fractions.
int draw_size(const Range& range, int image_size, Rng& rng) {
  if (in_pixels(range)) return static_cast<int>(rng.uniform_int(static_cast<int64_t>(range.lo), static_cast<int64_t>(range.hi)));
  return static_cast<int>(image_size * rng.uniform(range.lo, range.hi));
}

}  // namespace

CoarseDropout::CoarseDropout(CoarseDropoutOptions options) : Transform(options.p), options_(std::move(options)) {
  if (!(options_.holes.lo >= 1 && options_.holes.lo <= options_.holes.hi) ||
      options_.holes.lo != std::floor(options_.holes.lo) || options_.holes.hi != std::floor(options_.holes.hi)) {
    throw ConfigError("CoarseDropout: the number of holes must be integers 1 <= min <= max, got " +
                      detail::format_range(options_.holes));
  }
  check_size(options_.height, "hole height");
  check_size(options_.width, "hole width");
}

void CoarseDropout::apply(data::Sample& sample, Rng& rng) const {
  const int rows = sample.image.rows, cols = sample.image.cols;
  const auto count = rng.uniform_int(static_cast<int64_t>(options_.holes.lo), static_cast<int64_t>(options_.holes.hi));
  const cv::Scalar fill = detail::fill_scalar(options_.fill_value, 0);
  for (int64_t hole = 0; hole < count; ++hole) {
    const int height = std::min(draw_size(options_.height, rows, rng), rows);
    const int width = std::min(draw_size(options_.width, cols, rng), cols);
    const int y = static_cast<int>(rng.uniform_int(0, rows - height));
    const int x = static_cast<int>(rng.uniform_int(0, cols - width));
    const cv::Rect rect(x, y, width, height);
    if (rect.area() == 0) continue;
    if (sample.image.channels() <= 4) {
      sample.image(rect).setTo(fill);
    } else {
      sample.image(rect).setTo(cv::Scalar::all(options_.fill_value.empty() ? 0 : options_.fill_value.front()));
    }
    if (options_.mask_fill_value && sample.has_mask()) {
      const auto& value = *options_.mask_fill_value;
      sample.mask(rect).setTo(cv::Scalar::all(value.empty() ? 0 : value.front()));
    }
  }
}

std::string CoarseDropout::describe() const {
  std::ostringstream out;
  out << name() << "(holes=" << detail::format_range(options_.holes) << ", height=" << detail::format_range(options_.height)
      << ", width=" << detail::format_range(options_.width) << ", fill_value=" << detail::format_fill(options_.fill_value)
      << ", mask_fill_value=" << (options_.mask_fill_value ? detail::format_fill(*options_.mask_fill_value) : "none")
      << ", p=" << p() << ")";
  return out.str();
}

}  // namespace segkit::transforms
