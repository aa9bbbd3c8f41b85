#include "segkit/transforms/color.h"

#include <cmath>
#include <opencv2/imgproc.hpp>
#include <sstream>

#include "segkit/core/error.h"
#include "segkit/transforms/image_ops.h"

namespace segkit::transforms {
namespace {

// A uint8 lookup table from a float formula, clipped and truncated as albumentations' LUTs are.
template <typename F>
cv::Mat uint8_lut(F formula) {
  cv::Mat lut(1, 256, CV_8U);
  for (int i = 0; i < 256; ++i) {
    const double v = formula(i);
    lut.at<uint8_t>(i) = static_cast<uint8_t>(v > 0.0 ? (v < 255.0 ? v : 255.0) : 0.0);
  }
  return lut;
}

void require_gray_or_rgb(const cv::Mat& image, const std::string& name) {
  if (image.channels() != 1 && image.channels() != 3) {
    throw ShapeError(name + " expects a 1-channel (grey) or 3-channel (RGB) image, got " +
                     std::to_string(image.channels()) + " channels");
  }
}

// Python's % on floats: the result has the sign of the divisor.
double py_mod(double value, double divisor) {
  const double m = std::fmod(value, divisor);
  return m < 0.0 ? m + divisor : m;
}

}  // namespace

RandomBrightnessContrast::RandomBrightnessContrast(RandomBrightnessContrastOptions options)
    : Transform(options.p), options_(options) {}

void RandomBrightnessContrast::check(const data::Sample& sample) const {
  Transform::check(sample);
  detail::max_value(sample.image.depth(), name());
}

void RandomBrightnessContrast::apply(data::Sample& sample, Rng& rng) const {
  const auto& o = options_;
  const double alpha = 1.0 + rng.uniform(o.contrast_limit.lo, o.contrast_limit.hi);
  const double beta = rng.uniform(o.brightness_limit.lo, o.brightness_limit.hi);
  cv::Mat& image = sample.image;
  const double max_value = detail::max_value(image.depth(), name());
  if (image.depth() == CV_8U) {
    double shift = beta * max_value;
    if (!o.brightness_by_max) {
      const cv::Scalar mean = cv::mean(image);
      double total = 0.0;
      for (int c = 0; c < image.channels(); ++c) total += mean[c];
      shift = alpha * beta * total / image.channels();
    }
    const cv::Mat lut = uint8_lut([&](int i) { return i * alpha + shift; });
    cv::Mat out;
    cv::LUT(image, lut, out);
    image = out;
    return;
  }
  cv::Mat f = detail::to_float(image) * alpha;
  if (!o.brightness_by_max) {
    const cv::Scalar mean = cv::mean(f);
    double total = 0.0;
    for (int c = 0; c < f.channels(); ++c) total += mean[c];
    f += cv::Scalar::all(beta * total / f.channels());
  } else {
    f += cv::Scalar::all(beta * max_value);
  }
  image = detail::clip_to_depth(f, image.depth(), max_value);
}

std::string RandomBrightnessContrast::describe() const {
  std::ostringstream out;
  out << name() << "(brightness_limit=" << detail::format_range(options_.brightness_limit)
      << ", contrast_limit=" << detail::format_range(options_.contrast_limit)
      << ", brightness_by_max=" << (options_.brightness_by_max ? "true" : "false") << ", p=" << p()
      << ")";
  return out.str();
}

RandomGamma::RandomGamma(Range gamma_limit, double p) : Transform(p), gamma_limit_(gamma_limit) {
  if (!(gamma_limit_.lo > 0.0 && gamma_limit_.hi > 0.0)) {
    throw ConfigError(
        "gamma_limit must be two positive numbers [lo, hi] (gamma = U(lo, hi) / 100), "
        "got " +
        detail::format_range(gamma_limit_));
  }
}

void RandomGamma::check(const data::Sample& sample) const {
  Transform::check(sample);
  detail::max_value(sample.image.depth(), name());
}

void RandomGamma::apply(data::Sample& sample, Rng& rng) const {
  const double gamma = rng.uniform(gamma_limit_.lo, gamma_limit_.hi) / 100.0;
  cv::Mat& image = sample.image;
  if (image.depth() == CV_8U) {
    // np.arange(0, 256 / 255, 1 / 255) ** gamma * 255, truncated.
    const cv::Mat lut = uint8_lut([&](int i) { return std::pow(i * (1.0 / 255), gamma) * 255; });
    cv::Mat out;
    cv::LUT(image, lut, out);
    image = out;
    return;
  }
  const double max_value = detail::max_value(image.depth(), name());
  cv::Mat f = detail::to_float(image);
  const int width = f.cols * f.channels();
  for (int y = 0; y < f.rows; ++y) {
    float* row = f.ptr<float>(y);
    for (int x = 0; x < width; ++x) {
      row[x] = static_cast<float>(std::pow(row[x] / max_value, gamma) * max_value);
    }
  }
  // float32 is not clipped (np.power as albumentations); uint16 is clipped and truncated.
  image = image.depth() == CV_32F ? f : detail::clip_to_depth(f, image.depth(), max_value);
}

std::string RandomGamma::describe() const {
  std::ostringstream out;
  out << name() << "(gamma_limit=" << detail::format_range(gamma_limit_) << ", p=" << p() << ")";
  return out.str();
}

HueSaturationValue::HueSaturationValue(HueSaturationValueOptions options)
    : Transform(options.p), options_(options) {}

void HueSaturationValue::check(const data::Sample& sample) const {
  Transform::check(sample);
  require_gray_or_rgb(sample.image, name());
  detail::max_value(sample.image.depth(), name());
}

void HueSaturationValue::apply(data::Sample& sample, Rng& rng) const {
  const auto& o = options_;
  double hue = rng.uniform(o.hue_shift_limit.lo, o.hue_shift_limit.hi);
  double sat = rng.uniform(o.sat_shift_limit.lo, o.sat_shift_limit.hi);
  const double val = rng.uniform(o.val_shift_limit.lo, o.val_shift_limit.hi);
  if (hue == 0.0 && sat == 0.0 && val == 0.0) return;
  cv::Mat image = sample.image;
  const bool gray = image.channels() == 1;
  if (gray) {  // albumentations: only the value shift applies to a grey image
    hue = sat = 0.0;
    cv::cvtColor(image, image, cv::COLOR_GRAY2RGB);
  }
  const int depth = image.depth();
  std::vector<cv::Mat> hsv;
  if (depth == CV_8U) {
    cv::Mat converted;
    cv::cvtColor(image, converted, cv::COLOR_RGB2HSV);
    cv::split(converted, hsv);
    auto shift = [&](cv::Mat& channel, const cv::Mat& lut) {
      cv::Mat out;
      cv::LUT(channel, lut, out);
      channel = out;
    };
    if (hue != 0.0) shift(hsv[0], uint8_lut([&](int i) { return py_mod(i + hue, 180.0); }));
    if (sat != 0.0) shift(hsv[1], uint8_lut([&](int i) { return i + sat; }));
    if (val != 0.0) shift(hsv[2], uint8_lut([&](int i) { return i + val; }));
    cv::merge(hsv, converted);
    cv::cvtColor(converted, image, cv::COLOR_HSV2RGB);
  } else {
    // Float and uint16 go through float HSV (H in [0, 360), S and V in [0, 1]) with the shifts
    // converted from the 8-bit units, so a limit means the same change for every depth.
    const double max_value = detail::max_value(depth, name());
    cv::Mat f = detail::to_float(image) / max_value;
    cv::cvtColor(f, f, cv::COLOR_RGB2HSV);
    cv::split(f, hsv);
    if (hue != 0.0) {
      hsv[0].forEach<float>(
          [&](float& h, const int*) { h = static_cast<float>(py_mod(h + 2.0 * hue, 360.0)); });
    }
    if (sat != 0.0) hsv[1] = cv::min(cv::max(hsv[1] + sat / 255.0, 0.0), 1.0);
    if (val != 0.0) hsv[2] = cv::min(cv::max(hsv[2] + val / 255.0, 0.0), 1.0);
    cv::merge(hsv, f);
    cv::cvtColor(f, f, cv::COLOR_HSV2RGB);
    image = depth == CV_32F ? cv::Mat(f * max_value)
                            : detail::clip_to_depth(f * max_value, depth, max_value);
  }
  if (gray) cv::cvtColor(image, image, cv::COLOR_RGB2GRAY);
  sample.image = image;
}

std::string HueSaturationValue::describe() const {
  std::ostringstream out;
  out << name() << "(hue_shift_limit=" << detail::format_range(options_.hue_shift_limit)
      << ", sat_shift_limit=" << detail::format_range(options_.sat_shift_limit)
      << ", val_shift_limit=" << detail::format_range(options_.val_shift_limit) << ", p=" << p()
      << ")";
  return out.str();
}

CLAHE::CLAHE(Range clip_limit, cv::Size tile_grid_size, double p)
    : Transform(p), clip_limit_(clip_limit), tile_grid_size_(tile_grid_size) {
  if (tile_grid_size_.width < 1 || tile_grid_size_.height < 1) {
    throw ConfigError("tile_grid_size must be two positive integers, got [" +
                      std::to_string(tile_grid_size_.width) + ", " +
                      std::to_string(tile_grid_size_.height) + "]");
  }
}

void CLAHE::check(const data::Sample& sample) const {
  Transform::check(sample);
  require_gray_or_rgb(sample.image, name());
  if (sample.image.depth() != CV_8U) {
    throw DataError(name() +
                    " supports only uint8 images (as albumentations); put it before "
                    "Normalize or convert the image to CV_8U");
  }
}

void CLAHE::apply(data::Sample& sample, Rng& rng) const {
  const double clip = rng.uniform(clip_limit_.lo, clip_limit_.hi);
  cv::Ptr<cv::CLAHE> clahe = cv::createCLAHE(clip, tile_grid_size_);
  cv::Mat out;
  if (sample.image.channels() == 1) {
    clahe->apply(sample.image, out);
  } else {
    cv::Mat lab;
    cv::cvtColor(sample.image, lab, cv::COLOR_RGB2Lab);
    std::vector<cv::Mat> planes;
    cv::split(lab, planes);
    cv::Mat lightness;
    clahe->apply(planes[0], lightness);
    planes[0] = lightness;
    cv::merge(planes, lab);
    cv::cvtColor(lab, out, cv::COLOR_Lab2RGB);
  }
  sample.image = out;
}

std::string CLAHE::describe() const {
  std::ostringstream out;
  out << name() << "(clip_limit=" << detail::format_range(clip_limit_) << ", tile_grid_size=("
      << tile_grid_size_.width << ", " << tile_grid_size_.height << "), p=" << p() << ")";
  return out.str();
}

}  // namespace segkit::transforms
