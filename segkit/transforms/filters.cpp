#include "segkit/transforms/filters.h"

#include <opencv2/imgproc.hpp>
#include <sstream>

#include "segkit/core/error.h"
#include "segkit/transforms/image_ops.h"

namespace segkit::transforms {
namespace {

std::pair<int, int> odd_limits(Range limit, const std::string& transform) {
  const int lo = static_cast<int>(limit.lo), hi = static_cast<int>(limit.hi);
  if (lo != limit.lo || hi != limit.hi || lo < 3 || hi < lo) {
    throw ConfigError(transform + ": blur_limit must be two integers 3 <= lo <= hi, got " + detail::format_range(limit));
  }
  return {lo, hi};
}

// albumentations: random.choice(range(lo, hi + 1, 2)).
int odd_size(int lo, int hi, Rng& rng) {
  const int choices = (hi - lo) / 2 + 1;
  return lo + 2 * static_cast<int>(rng.uniform_int(0, choices - 1));
}

cv::Mat filter(const cv::Mat& image, const cv::Mat& kernel) {
  return detail::by_chunks(image, [&](const cv::Mat& chunk, int) {
    cv::Mat out;
    cv::filter2D(chunk, out, -1, kernel);
    return out;
  });
}

// Both ends of the line moved so that it has an odd length and its centre is the kernel's.
void centre_line(int& a1, int& a2, int size) {
  if ((std::abs(a1 - a2) + 1) % 2 != 1) (a2 > a1 ? a2 : a1) -= 1;
  const double shift = (a1 + a2) / 2.0 - (size / 2.0 - 0.5);
  a1 = static_cast<int>(a1 - shift);
  a2 = static_cast<int>(a2 - shift);
}

}  // namespace

Blur::Blur(Range blur_limit, double p) : Transform(p) { std::tie(lo_, hi_) = odd_limits(blur_limit, "Blur"); }

void Blur::apply(data::Sample& sample, Rng& rng) const {
  const int size = odd_size(lo_, hi_, rng);
  sample.image = detail::by_chunks(sample.image, [&](const cv::Mat& chunk, int) {
    cv::Mat out;
    cv::blur(chunk, out, cv::Size(size, size));
    return out;
  });
}

std::string Blur::describe() const {
  std::ostringstream out;
  out << name() << "(blur_limit=(" << lo_ << ", " << hi_ << "), p=" << p() << ")";
  return out.str();
}

MotionBlur::MotionBlur(Range blur_limit, bool allow_shifted, double p) : Transform(p), allow_shifted_(allow_shifted) {
  std::tie(lo_, hi_) = odd_limits(blur_limit, "MotionBlur");
}

void MotionBlur::apply(data::Sample& sample, Rng& rng) const {
  const int size = odd_size(lo_, hi_, rng);
  int x1 = static_cast<int>(rng.uniform_int(0, size - 1)), x2 = static_cast<int>(rng.uniform_int(0, size - 1));
  int y1, y2;
  if (x1 == x2) {  // random.sample(range(size), 2): two distinct rows, so the line is not a dot
    y1 = static_cast<int>(rng.uniform_int(0, size - 1));
    y2 = static_cast<int>(rng.uniform_int(0, size - 2));
    if (y2 >= y1) ++y2;
  } else {
    y1 = static_cast<int>(rng.uniform_int(0, size - 1));
    y2 = static_cast<int>(rng.uniform_int(0, size - 1));
  }
  if (!allow_shifted_) {
    centre_line(x1, x2, size);
    centre_line(y1, y2, size);
  }
  cv::Mat kernel = cv::Mat::zeros(size, size, CV_8U);
  cv::line(kernel, {x1, y1}, {x2, y2}, cv::Scalar(1), 1);
  kernel.convertTo(kernel, CV_32F, 1.0 / cv::sum(kernel)[0]);
  sample.image = filter(sample.image, kernel);
}

std::string MotionBlur::describe() const {
  std::ostringstream out;
  out << name() << "(blur_limit=(" << lo_ << ", " << hi_ << "), allow_shifted=" << (allow_shifted_ ? "true" : "false")
      << ", p=" << p() << ")";
  return out.str();
}

Sharpen::Sharpen(Range alpha, Range lightness, double p) : Transform(p), alpha_(alpha), lightness_(lightness) {
  if (alpha.lo < 0 || alpha.hi > 1 || alpha.lo > alpha.hi) {
    throw ConfigError("Sharpen: alpha must be 0 <= lo <= hi <= 1, got " + detail::format_range(alpha));
  }
  if (lightness.lo < 0 || lightness.lo > lightness.hi) {
    throw ConfigError("Sharpen: lightness must be 0 <= lo <= hi, got " + detail::format_range(lightness));
  }
}

void Sharpen::apply(data::Sample& sample, Rng& rng) const {
  const double alpha = rng.uniform(alpha_.lo, alpha_.hi);
  const double lightness = rng.uniform(lightness_.lo, lightness_.hi);
  cv::Mat kernel(3, 3, CV_32F, cv::Scalar(static_cast<float>(-alpha)));
  kernel.at<float>(1, 1) = static_cast<float>((1.0 - alpha) + alpha * (8.0 + lightness));
  sample.image = filter(sample.image, kernel);
}

std::string Sharpen::describe() const {
  std::ostringstream out;
  out << name() << "(alpha=" << detail::format_range(alpha_) << ", lightness=" << detail::format_range(lightness_)
      << ", p=" << p() << ")";
  return out.str();
}

}  // namespace segkit::transforms
