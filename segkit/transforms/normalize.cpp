#include "segkit/transforms/normalize.h"

#include <sstream>

#include "segkit/core/error.h"
#include "segkit/transforms/image_ops.h"

namespace segkit::transforms {
namespace {

std::string list_text(const std::vector<double>& values) {
  return detail::format_fill(values);
}

// The value for channel c: a single value broadcasts; a 1-channel image takes the first value.
double pick(const std::vector<double>& values, int channels, int c) {
  return values.size() == 1 || channels == 1 ? values.front() : values[static_cast<size_t>(c)];
}

}  // namespace

Normalize::Normalize(NormalizeOptions options)
    : Transform(options.p), options_(std::move(options)) {
  if (options_.mean.empty() || options_.std.empty()) {
    throw ConfigError("mean and std need at least one value each");
  }
  for (double s : options_.std) {
    if (s == 0.0) throw ConfigError("std must not contain 0, got " + list_text(options_.std));
  }
  if (options_.max_pixel_value == 0.0) throw ConfigError("max_pixel_value must not be 0");
}

std::pair<std::vector<double>, std::vector<double>> Normalize::statistics(int channels) const {
  const auto fits = [channels](const std::vector<double>& v) {
    return v.size() == 1 || static_cast<int>(v.size()) == channels || channels == 1;
  };
  if (!fits(options_.mean) || !fits(options_.std)) {
    throw ShapeError("Normalize: mean " + list_text(options_.mean) + " and std " +
                     list_text(options_.std) + " do not fit a " + std::to_string(channels) +
                     "-channel image; give one value or one per channel");
  }
  std::vector<double> mean(static_cast<size_t>(channels)), inv_std(static_cast<size_t>(channels));
  for (int c = 0; c < channels; ++c) {
    mean[static_cast<size_t>(c)] = pick(options_.mean, channels, c) * options_.max_pixel_value;
    inv_std[static_cast<size_t>(c)] =
        1.0 / (pick(options_.std, channels, c) * options_.max_pixel_value);
  }
  return {mean, inv_std};
}

void Normalize::check(const data::Sample& sample) const {
  Transform::check(sample);
  statistics(sample.image.channels());
  // albumentations would silently scale a 16-bit image by 1/255 into values up to 257.
  if (sample.image.depth() == CV_16U && options_.max_pixel_value < 256.0) {
    throw DataError("Normalize: " + sample.id + " is a 16-bit image but max_pixel_value is " +
                    std::to_string(options_.max_pixel_value) +
                    "; set max_pixel_value to the data's full scale (65535, or e.g. 4095 for 12-bit sensors)");
  }
}

void Normalize::apply(data::Sample& sample, Rng&) const {
  const int channels = sample.image.channels();
  const auto [mean, inv_std] = statistics(channels);
  cv::Mat f = detail::to_float(sample.image);
  for (int y = 0; y < f.rows; ++y) {
    float* row = f.ptr<float>(y);
    for (int x = 0; x < f.cols; ++x) {
      for (int c = 0; c < channels; ++c) {
        float& v = row[x * channels + c];
        v = static_cast<float>((v - mean[static_cast<size_t>(c)]) *
                               inv_std[static_cast<size_t>(c)]);
      }
    }
  }
  sample.image = f;
}

std::string Normalize::describe() const {
  std::ostringstream out;
  out << name() << "(mean=" << list_text(options_.mean) << ", std=" << list_text(options_.std)
      << ", max_pixel_value=" << options_.max_pixel_value << ", p=" << p() << ")";
  return out.str();
}

}  // namespace segkit::transforms
