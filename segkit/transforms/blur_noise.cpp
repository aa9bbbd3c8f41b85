#include "segkit/transforms/blur_noise.h"

#include <cmath>
#include <opencv2/imgproc.hpp>
#include <sstream>

#include "segkit/core/error.h"
#include "segkit/transforms/image_ops.h"

namespace segkit::transforms {

GaussNoise::GaussNoise(Range var_limit, double mean, bool per_channel, double p)
    : Transform(p), var_limit_(var_limit), mean_(mean), per_channel_(per_channel) {
  if (var_limit_.lo < 0.0 || var_limit_.hi < 0.0) {
    throw ConfigError("var_limit must be non-negative, got " + detail::format_range(var_limit_));
  }
}

GaussNoise GaussNoise::from_std(Range std_range, Range mean_range, bool per_channel, double p) {
  if (!(std_range.lo >= 0 && std_range.lo <= std_range.hi)) {
    throw ConfigError("std_range must be 0 <= lo <= hi, got " + detail::format_range(std_range));
  }
  GaussNoise noise({0, 0}, 0.0, per_channel, p);
  noise.std_range_ = std_range;
  noise.mean_range_ = mean_range;
  return noise;
}

void GaussNoise::check(const data::Sample& sample) const {
  Transform::check(sample);
  detail::max_value(sample.image.depth(), name());
}

void GaussNoise::apply(data::Sample& sample, Rng& rng) const {
  const double max_value = detail::max_value(sample.image.depth(), name());
  const double unit = max_value / 255.0;  // 8-bit units -> this depth's units
  double sigma = 0.0, mean = 0.0;
  if (std_range_) {
    sigma = rng.uniform(std_range_->lo, std_range_->hi) * max_value;
    mean = rng.uniform(mean_range_.lo, mean_range_.hi) * max_value;
  } else {
    sigma = std::sqrt(rng.uniform(var_limit_.lo, var_limit_.hi)) * unit;
    mean = mean_ * unit;
  }
  cv::Mat f = detail::to_float(sample.image);
  const int channels = f.channels();
  for (int y = 0; y < f.rows; ++y) {
    float* row = f.ptr<float>(y);
    for (int x = 0; x < f.cols; ++x) {
      if (per_channel_) {
        for (int c = 0; c < channels; ++c)
          row[x * channels + c] += static_cast<float>(rng.normal(mean, sigma));
      } else {
        const float noise = static_cast<float>(rng.normal(mean, sigma));
        for (int c = 0; c < channels; ++c) row[x * channels + c] += noise;
      }
    }
  }
  sample.image = detail::clip_to_depth(f, sample.image.depth(), max_value);
}

std::string GaussNoise::describe() const {
  std::ostringstream out;
  out << name() << "(";
  if (std_range_) {
    out << "std_range=" << detail::format_range(*std_range_) << ", mean_range=" << detail::format_range(mean_range_);
  } else {
    out << "var_limit=" << detail::format_range(var_limit_) << ", mean=" << mean_;
  }
  out << ", per_channel=" << (per_channel_ ? "true" : "false") << ", p=" << p() << ")";
  return out.str();
}

GaussianBlur::GaussianBlur(Range blur_limit, Range sigma_limit, double p)
    : Transform(p),
      blur_lo_(static_cast<int>(blur_limit.lo)),
      blur_hi_(static_cast<int>(blur_limit.hi)),
      sigma_limit_(sigma_limit) {
  if (blur_limit.lo != blur_lo_ || blur_limit.hi != blur_hi_ || blur_lo_ < 0 ||
      blur_hi_ < blur_lo_) {
    throw ConfigError("blur_limit must be two integers 0 <= lo <= hi, got " +
                      detail::format_range(blur_limit));
  }
  if (sigma_limit_.lo < 0.0 || sigma_limit_.hi < sigma_limit_.lo) {
    throw ConfigError("sigma_limit must be 0 <= lo <= hi, got " +
                      detail::format_range(sigma_limit));
  }
  if (blur_lo_ == 0 && sigma_limit_.lo == 0.0) blur_lo_ = 3, blur_hi_ = std::max(3, blur_hi_);
  if ((blur_lo_ != 0 && blur_lo_ % 2 != 1) || (blur_hi_ != 0 && blur_hi_ % 2 != 1)) {
    throw ConfigError("GaussianBlur supports only odd blur limits (or 0), got (" +
                      std::to_string(blur_lo_) + ", " + std::to_string(blur_hi_) + ")");
  }
}

void GaussianBlur::apply(data::Sample& sample, Rng& rng) const {
  int ksize = static_cast<int>(rng.uniform_int(blur_lo_, blur_hi_));
  if (ksize != 0 && ksize % 2 != 1) ksize = (ksize + 1) % (blur_hi_ + 1);
  const double sigma = rng.uniform(sigma_limit_.lo, sigma_limit_.hi);
  if (ksize == 0 && sigma <= 0.0) return;  // nothing to blur with (sigma drawn exactly 0)
  sample.image = detail::by_chunks(sample.image, [&](const cv::Mat& chunk, int) {
    cv::Mat out;
    cv::GaussianBlur(chunk, out, cv::Size(ksize, ksize), sigma);
    return out;
  });
}

std::string GaussianBlur::describe() const {
  std::ostringstream out;
  out << name() << "(blur_limit=(" << blur_lo_ << ", " << blur_hi_
      << "), sigma_limit=" << detail::format_range(sigma_limit_) << ", p=" << p() << ")";
  return out.str();
}

}  // namespace segkit::transforms
