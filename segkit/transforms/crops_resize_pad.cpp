#include "segkit/transforms/crops_resize_pad.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "segkit/core/error.h"

namespace segkit::transforms {
namespace {

void check_size(int height, int width, const char* what) {
  if (height < 1 || width < 1) {
    throw ConfigError(std::string(what) + " must be at least 1x1, got height=" +
                      std::to_string(height) + ", width=" + std::to_string(width));
  }
}

void check_fits(const std::string& name, int height, int width, const cv::Mat& image) {
  if (height > image.rows || width > image.cols) {
    throw ShapeError(name + ": requested crop " + std::to_string(height) + "x" +
                     std::to_string(width) + " (height x width) is larger than the image " +
                     std::to_string(image.rows) + "x" + std::to_string(image.cols) +
                     "; put PadIfNeeded(min_height=" + std::to_string(height) +
                     ", min_width=" + std::to_string(width) + ") before it");
  }
}

void crop(data::Sample& sample, const cv::Rect& window) {
  sample.image = sample.image(window).clone();
  if (sample.has_mask()) sample.mask = sample.mask(window).clone();
}

void crop_and_resize(data::Sample& sample, const cv::Rect& window, cv::Size size,
                     int interpolation) {
  sample.image = detail::resize(sample.image(window), size, interpolation);
  if (sample.has_mask()) {
    sample.mask = detail::resize(sample.mask(window), size, cv::INTER_NEAREST);
  }
}

// albumentations' get_random_crop_coords: top-left = int((free + 1) * start), start ~ U[0, 1).
cv::Rect random_window(const cv::Mat& image, int height, int width, double h_start,
                       double w_start) {
  const int y = static_cast<int>((image.rows - height + 1) * h_start);
  const int x = static_cast<int>((image.cols - width + 1) * w_start);
  return {x, y, width, height};
}

std::string size_text(int height, int width) {
  return "height=" + std::to_string(height) + ", width=" + std::to_string(width);
}

}  // namespace

RandomCrop::RandomCrop(int height, int width, double p)
    : Transform(p), height_(height), width_(width) {
  check_size(height, width, "crop size");
}

void RandomCrop::check(const data::Sample& sample) const {
  Transform::check(sample);
  check_fits(name(), height_, width_, sample.image);
}

void RandomCrop::apply(data::Sample& sample, Rng& rng) const {
  const double h_start = rng.uniform();
  const double w_start = rng.uniform();
  crop(sample, random_window(sample.image, height_, width_, h_start, w_start));
}

std::string RandomCrop::describe() const {
  std::ostringstream out;
  out << name() << "(" << size_text(height_, width_) << ", p=" << p() << ")";
  return out.str();
}

CenterCrop::CenterCrop(int height, int width, double p)
    : Transform(p), height_(height), width_(width) {
  check_size(height, width, "crop size");
}

void CenterCrop::check(const data::Sample& sample) const {
  Transform::check(sample);
  check_fits(name(), height_, width_, sample.image);
}

void CenterCrop::apply(data::Sample& sample, Rng&) const {
  const int y = (sample.image.rows - height_) / 2;
  const int x = (sample.image.cols - width_) / 2;
  crop(sample, {x, y, width_, height_});
}

std::string CenterCrop::describe() const {
  std::ostringstream out;
  out << name() << "(" << size_text(height_, width_) << ", p=" << p() << ")";
  return out.str();
}

RandomResizedCrop::RandomResizedCrop(RandomResizedCropOptions options)
    : Transform(options.p), options_(options) {
  check_size(options_.height, options_.width, "output size");
  detail::check_interpolation(options_.interpolation);
  if (!(options_.ratio.lo > 0.0 && options_.ratio.hi > 0.0)) {
    throw ConfigError("ratio must be positive, got " + detail::format_range(options_.ratio));
  }
}

void RandomResizedCrop::apply(data::Sample& sample, Rng& rng) const {
  const auto& o = options_;
  const int rows = sample.image.rows;
  const int cols = sample.image.cols;
  const double area = static_cast<double>(rows) * cols;
  const double log_lo = std::log(o.ratio.lo);
  const double log_hi = std::log(o.ratio.hi);
  for (int attempt = 0; attempt < 10; ++attempt) {
    const double target_area = rng.uniform(o.scale.lo, o.scale.hi) * area;
    const double aspect = std::exp(rng.uniform(log_lo, log_hi));
    // Python's round() rounds half to even, as nearbyint does in the default rounding mode.
    const int w = static_cast<int>(std::nearbyint(std::sqrt(target_area * aspect)));
    const int h = static_cast<int>(std::nearbyint(std::sqrt(target_area / aspect)));
    if (w > 0 && w <= cols && h > 0 && h <= rows) {
      const int y = static_cast<int>(rng.uniform_int(0, rows - h));
      const int x = static_cast<int>(rng.uniform_int(0, cols - w));
      crop_and_resize(sample, {x, y, w, h}, {o.width, o.height}, o.interpolation);
      return;
    }
  }
  // Fallback: a centre crop with the aspect ratio clamped into `ratio`.
  const double in_ratio = static_cast<double>(cols) / rows;
  int w = cols, h = rows;
  if (in_ratio < std::min(o.ratio.lo, o.ratio.hi)) {
    h = static_cast<int>(std::nearbyint(w / std::min(o.ratio.lo, o.ratio.hi)));
  } else if (in_ratio > std::max(o.ratio.lo, o.ratio.hi)) {
    w = static_cast<int>(std::nearbyint(h * std::max(o.ratio.lo, o.ratio.hi)));
  }
  h = std::clamp(h, 1, rows);
  w = std::clamp(w, 1, cols);
  crop_and_resize(sample, {(cols - w) / 2, (rows - h) / 2, w, h}, {o.width, o.height},
                  o.interpolation);
}

std::string RandomResizedCrop::describe() const {
  const auto& o = options_;
  std::ostringstream out;
  out << name() << "(" << size_text(o.height, o.width)
      << ", scale=" << detail::format_range(o.scale) << ", ratio=" << detail::format_range(o.ratio)
      << ", interpolation=" << detail::interpolation_name(o.interpolation) << ", p=" << p() << ")";
  return out.str();
}

RandomSizedCrop::RandomSizedCrop(RandomSizedCropOptions options)
    : Transform(options.p), options_(options) {
  check_size(options_.height, options_.width, "output size");
  if (options_.min_height < 1 || options_.max_height < options_.min_height) {
    throw ConfigError("min_max_height must be [lo, hi] with 1 <= lo <= hi, got [" +
                      std::to_string(options_.min_height) + ", " +
                      std::to_string(options_.max_height) + "]");
  }
  if (!(options_.w2h_ratio > 0.0)) {
    throw ConfigError("w2h_ratio must be positive, got " + std::to_string(options_.w2h_ratio));
  }
  detail::check_interpolation(options_.interpolation);
}

void RandomSizedCrop::check(const data::Sample& sample) const {
  Transform::check(sample);
  // albumentations fails only when a too-large height is drawn; we refuse the config up front.
  const auto& o = options_;
  check_fits(name(), o.max_height, std::max(1, static_cast<int>(o.max_height * o.w2h_ratio)),
             sample.image);
}

void RandomSizedCrop::apply(data::Sample& sample, Rng& rng) const {
  const auto& o = options_;
  const int crop_height = static_cast<int>(rng.uniform_int(o.min_height, o.max_height));
  const int crop_width = std::max(1, static_cast<int>(crop_height * o.w2h_ratio));
  const double h_start = rng.uniform();
  const double w_start = rng.uniform();
  crop_and_resize(sample, random_window(sample.image, crop_height, crop_width, h_start, w_start),
                  {o.width, o.height}, o.interpolation);
}

std::string RandomSizedCrop::describe() const {
  const auto& o = options_;
  std::ostringstream out;
  out << name() << "(min_max_height=(" << o.min_height << ", " << o.max_height << "), "
      << size_text(o.height, o.width) << ", w2h_ratio=" << o.w2h_ratio
      << ", interpolation=" << detail::interpolation_name(o.interpolation) << ", p=" << p() << ")";
  return out.str();
}

CropNonEmptyMaskIfExists::CropNonEmptyMaskIfExists(CropNonEmptyMaskIfExistsOptions options)
    : Transform(options.p), options_(std::move(options)) {
  check_size(options_.height, options_.width, "crop size");
}

void CropNonEmptyMaskIfExists::check(const data::Sample& sample) const {
  Transform::check(sample);
  check_fits(name(), options_.height, options_.width, sample.image);
}

void CropNonEmptyMaskIfExists::apply(data::Sample& sample, Rng& rng) const {
  const auto& o = options_;
  const int rows = sample.image.rows;
  const int cols = sample.image.cols;
  // Foreground: any searched channel holding a value that is neither 0 nor ignored.
  std::vector<cv::Point> foreground;
  if (sample.has_mask()) {
    const int channels = sample.mask.channels();
    std::vector<bool> searched(static_cast<size_t>(channels), true);
    for (int c : o.ignore_channels) {
      if (c >= 0 && c < channels) searched[static_cast<size_t>(c)] = false;
    }
    bool ignored[256] = {};
    ignored[0] = true;
    for (int v : o.ignore_values) {
      if (v >= 0 && v < 256) ignored[v] = true;
    }
    for (int y = 0; y < rows; ++y) {
      const uint8_t* row = sample.mask.ptr<uint8_t>(y);
      for (int x = 0; x < cols; ++x) {
        for (int c = 0; c < channels; ++c) {
          if (searched[static_cast<size_t>(c)] && !ignored[row[x * channels + c]]) {
            foreground.emplace_back(x, y);
            break;
          }
        }
      }
    }
  }
  int x_min, y_min;
  if (!foreground.empty()) {
    const cv::Point pick = foreground[static_cast<size_t>(
        rng.uniform_int(0, static_cast<int64_t>(foreground.size()) - 1))];
    x_min = pick.x - static_cast<int>(rng.uniform_int(0, o.width - 1));
    y_min = pick.y - static_cast<int>(rng.uniform_int(0, o.height - 1));
    x_min = std::clamp(x_min, 0, cols - o.width);
    y_min = std::clamp(y_min, 0, rows - o.height);
  } else {
    x_min = static_cast<int>(rng.uniform_int(0, cols - o.width));
    y_min = static_cast<int>(rng.uniform_int(0, rows - o.height));
  }
  crop(sample, {x_min, y_min, o.width, o.height});
}

std::string CropNonEmptyMaskIfExists::describe() const {
  std::ostringstream out;
  out << name() << "(" << size_text(options_.height, options_.width) << ", p=" << p() << ")";
  return out.str();
}

Resize::Resize(int height, int width, int interpolation, double p)
    : Transform(p), height_(height), width_(width), interpolation_(interpolation) {
  check_size(height, width, "output size");
  detail::check_interpolation(interpolation);
}

void Resize::apply(data::Sample& sample, Rng&) const {
  const cv::Size size(width_, height_);
  sample.image = detail::resize(sample.image, size, interpolation_);
  if (sample.has_mask()) sample.mask = detail::resize(sample.mask, size, cv::INTER_NEAREST);
}

RandomScale::RandomScale(Range scale, int interpolation, double p)
    : Transform(p), scale_(scale), interpolation_(interpolation) {
  if (!(scale.lo > 0 && scale.lo <= scale.hi)) {
    throw ConfigError("RandomScale: the scale factor range must be 0 < lo <= hi (scale_limit above -1), got " +
                      detail::format_range(scale));
  }
  detail::check_interpolation(interpolation);
}

void RandomScale::apply(data::Sample& sample, Rng& rng) const {
  const double factor = rng.uniform(scale_.lo, scale_.hi);
  const cv::Size size(std::max(1, static_cast<int>(sample.image.cols * factor)),
                      std::max(1, static_cast<int>(sample.image.rows * factor)));
  if (size == sample.image.size()) return;
  sample.image = detail::resize(sample.image, size, interpolation_);
  if (sample.has_mask()) sample.mask = detail::resize(sample.mask, size, cv::INTER_NEAREST);
}

std::string RandomScale::describe() const {
  std::ostringstream out;
  out << name() << "(scale=" << detail::format_range(scale_)
      << ", interpolation=" << detail::interpolation_name(interpolation_) << ", p=" << p() << ")";
  return out.str();
}

std::string Resize::describe() const {
  std::ostringstream out;
  out << name() << "(" << size_text(height_, width_)
      << ", interpolation=" << detail::interpolation_name(interpolation_) << ", p=" << p() << ")";
  return out.str();
}

}  // namespace segkit::transforms
