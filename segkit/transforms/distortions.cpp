#include "segkit/transforms/distortions.h"

#include <opencv2/calib3d.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include "segkit/core/error.h"

namespace segkit::transforms {
namespace {

// albumentations' grid_distortion along one axis: the source coordinate of every output column
// (or row). Cell `idx` spans [idx*step, idx*step + step); its far edge moves by step*steps[idx];
// the last, partial cell ends exactly at `size`. Inside a cell coordinates follow np.linspace.
std::vector<float> grid_axis(int size, int num_steps, const std::vector<double>& steps) {
  std::vector<float> coords(static_cast<size_t>(size), 0.0f);
  const int step = size / num_steps;
  double prev = 0.0;
  for (int idx = 0; idx <= num_steps; ++idx) {
    const int start = idx * step;
    int end = start + step;
    double cur;
    if (end > size) {
      end = size;
      cur = size;
    } else {
      cur = prev + step * steps[static_cast<size_t>(idx)];
    }
    const int count = end - start;
    for (int i = 0; i < count; ++i) {
      const double t = count == 1 ? 0.0 : static_cast<double>(i) / (count - 1);
      coords[static_cast<size_t>(start + i)] =
          static_cast<float>(i == count - 1 && count > 1 ? cur : prev + (cur - prev) * t);
    }
    prev = cur;
  }
  return coords;
}

// GridDistortion(normalized=True): shrink the last factor to the partial cell, then scale all so
// that the cells add up to the image.
void normalize_steps(std::vector<double>& steps, int size, int num_steps) {
  const int step = size / num_steps;
  const int last = std::min(size, (num_steps + 1) * step) - num_steps * step;
  steps.back() *= static_cast<double>(last) / step;
  const double total = static_cast<double>(size) / step;
  const double sum = std::accumulate(steps.begin(), steps.end(), 0.0);
  for (double& s : steps) s *= total / sum;
}

void check_common(int interpolation, int border_mode) {
  detail::check_interpolation(interpolation);
  detail::check_border_mode(border_mode);
}

// U(-1, 1) per pixel, smoothed, times alpha: one displacement field of ElasticTransform.
cv::Mat displacement(cv::Size size, const ElasticTransformOptions& o, Rng& rng) {
  cv::Mat field(size, CV_32F);
  for (int y = 0; y < size.height; ++y) {
    float* row = field.ptr<float>(y);
    for (int x = 0; x < size.width; ++x) row[x] = static_cast<float>(rng.uniform() * 2.0 - 1.0);
  }
  if (o.approximate) {
    cv::GaussianBlur(field, field, cv::Size(17, 17), o.sigma);
  } else if (o.sigma > 0.0) {
    // scipy.ndimage.gaussian_filter: radius int(4 * sigma + 0.5), mode 'reflect' (abc|cba).
    const int radius = static_cast<int>(4.0 * o.sigma + 0.5);
    cv::GaussianBlur(field, field, cv::Size(2 * radius + 1, 2 * radius + 1), o.sigma, o.sigma,
                     cv::BORDER_REFLECT);
  }
  return field * o.alpha;
}

}  // namespace

GridDistortion::GridDistortion(GridDistortionOptions options)
    : Transform(options.p), options_(std::move(options)) {
  if (options_.num_steps < 1) {
    throw ConfigError("num_steps must be at least 1, got " + std::to_string(options_.num_steps));
  }
  check_common(options_.interpolation, options_.border_mode);
}

void GridDistortion::apply(data::Sample& sample, Rng& rng) const {
  const auto& o = options_;
  const int height = sample.image.rows;
  const int width = sample.image.cols;
  if (width < o.num_steps || height < o.num_steps) {
    throw ShapeError("GridDistortion: a " + std::to_string(height) + "x" + std::to_string(width) +
                     " image is smaller than num_steps=" + std::to_string(o.num_steps) +
                     " cells per side; lower num_steps or resize first");
  }
  const size_t count = static_cast<size_t>(o.num_steps) + 1;
  std::vector<double> steps_x(count), steps_y(count);
  for (double& s : steps_x) s = 1.0 + rng.uniform(o.distort_limit.lo, o.distort_limit.hi);
  for (double& s : steps_y) s = 1.0 + rng.uniform(o.distort_limit.lo, o.distort_limit.hi);
  if (o.normalized) {
    normalize_steps(steps_x, width, o.num_steps);
    normalize_steps(steps_y, height, o.num_steps);
  }
  const std::vector<float> xx = grid_axis(width, o.num_steps, steps_x);
  const std::vector<float> yy = grid_axis(height, o.num_steps, steps_y);
  cv::Mat map_x(height, width, CV_32F), map_y(height, width, CV_32F);
  for (int y = 0; y < height; ++y) {
    float* mx = map_x.ptr<float>(y);
    float* my = map_y.ptr<float>(y);
    for (int x = 0; x < width; ++x) {
      mx[x] = xx[static_cast<size_t>(x)];
      my[x] = yy[static_cast<size_t>(y)];
    }
  }
  sample.image = detail::remap(sample.image, map_x, map_y, o.interpolation, o.border_mode, o.value);
  if (sample.has_mask()) {
    sample.mask =
        detail::remap(sample.mask, map_x, map_y, cv::INTER_NEAREST, o.border_mode, o.mask_value);
  }
}

std::string GridDistortion::describe() const {
  const auto& o = options_;
  std::ostringstream out;
  out << name() << "(num_steps=" << o.num_steps
      << ", distort_limit=" << detail::format_range(o.distort_limit)
      << ", interpolation=" << detail::interpolation_name(o.interpolation)
      << ", border_mode=" << detail::border_mode_name(o.border_mode)
      << ", value=" << detail::format_fill(o.value)
      << ", mask_value=" << detail::format_fill(o.mask_value)
      << ", normalized=" << (o.normalized ? "true" : "false") << ", p=" << p() << ")";
  return out.str();
}

ElasticTransform::ElasticTransform(ElasticTransformOptions options)
    : Transform(options.p), options_(std::move(options)) {
  if (options_.sigma < 0.0) {
    throw ConfigError("sigma must be >= 0, got " + std::to_string(options_.sigma));
  }
  if (options_.alpha_affine < 0.0) {
    throw ConfigError("alpha_affine must be >= 0, got " + std::to_string(options_.alpha_affine));
  }
  check_common(options_.interpolation, options_.border_mode);
}

void ElasticTransform::apply(data::Sample& sample, Rng& rng) const {
  const auto& o = options_;
  const int height = sample.image.rows;
  const int width = sample.image.cols;
  const cv::Size size(width, height);

  // The random affine part. albumentations builds its points from (height, width) // 2 and uses
  // them as (x, y); we keep that quirk so the same parameters give the same kind of warp.
  const float c0 = static_cast<float>(height / 2);
  const float c1 = static_cast<float>(width / 2);
  const float half = static_cast<float>(std::min(height, width) / 3);
  cv::Point2f from[3] = {{c0 + half, c1 + half}, {c0 + half, c1 - half}, {c0 - half, c1 - half}};
  cv::Point2f to[3];
  for (int i = 0; i < 3; ++i) {
    const float jx = static_cast<float>(rng.uniform(-o.alpha_affine, o.alpha_affine));
    const float jy = static_cast<float>(rng.uniform(-o.alpha_affine, o.alpha_affine));
    to[i] = from[i] + cv::Point2f(jx, jy);
  }
  const cv::Mat matrix = cv::getAffineTransform(from, to);

  // The dense part.
  const cv::Mat dx = displacement(size, o, rng);
  const cv::Mat dy = o.same_dxdy ? dx : displacement(size, o, rng);
  cv::Mat map_x(size, CV_32F), map_y(size, CV_32F);
  for (int y = 0; y < height; ++y) {
    const float* dxr = dx.ptr<float>(y);
    const float* dyr = dy.ptr<float>(y);
    float* mx = map_x.ptr<float>(y);
    float* my = map_y.ptr<float>(y);
    for (int x = 0; x < width; ++x) {
      mx[x] = static_cast<float>(x) + dxr[x];
      my[x] = static_cast<float>(y) + dyr[x];
    }
  }

  auto warp = [&](const cv::Mat& src, int interpolation, const FillValue& fill) {
    const cv::Mat affine =
        detail::warp_affine(src, matrix, size, interpolation, o.border_mode, fill);
    return detail::remap(affine, map_x, map_y, interpolation, o.border_mode, fill);
  };
  sample.image = warp(sample.image, o.interpolation, o.value);
  if (sample.has_mask()) sample.mask = warp(sample.mask, cv::INTER_NEAREST, o.mask_value);
}

std::string ElasticTransform::describe() const {
  const auto& o = options_;
  std::ostringstream out;
  out << name() << "(alpha=" << o.alpha << ", sigma=" << o.sigma
      << ", alpha_affine=" << o.alpha_affine
      << ", interpolation=" << detail::interpolation_name(o.interpolation)
      << ", border_mode=" << detail::border_mode_name(o.border_mode)
      << ", value=" << detail::format_fill(o.value)
      << ", mask_value=" << detail::format_fill(o.mask_value)
      << ", approximate=" << (o.approximate ? "true" : "false")
      << ", same_dxdy=" << (o.same_dxdy ? "true" : "false") << ", p=" << p() << ")";
  return out.str();
}

OpticalDistortion::OpticalDistortion(OpticalDistortionOptions options) : Transform(options.p), options_(std::move(options)) {
  detail::check_interpolation(options_.interpolation);
  detail::check_border_mode(options_.border_mode);
}

void OpticalDistortion::apply(data::Sample& sample, Rng& rng) const {
  const auto& o = options_;
  const double k = rng.uniform(o.distort_limit.lo, o.distort_limit.hi);
  const double dx = std::round(rng.uniform(o.shift_limit.lo, o.shift_limit.hi));
  const double dy = std::round(rng.uniform(o.shift_limit.lo, o.shift_limit.hi));
  const int width = sample.image.cols, height = sample.image.rows;
  const cv::Matx33f camera(static_cast<float>(width), 0.f, static_cast<float>(width * 0.5 + dx), 0.f,
                           static_cast<float>(height), static_cast<float>(height * 0.5 + dy), 0.f, 0.f, 1.f);
  const cv::Matx<float, 1, 5> distortion(static_cast<float>(k), static_cast<float>(k), 0.f, 0.f, 0.f);
  cv::Mat map_x, map_y;
  cv::initUndistortRectifyMap(camera, distortion, cv::noArray(), cv::noArray(), {width, height}, CV_32FC1, map_x, map_y);
  sample.image = detail::remap(sample.image, map_x, map_y, o.interpolation, o.border_mode, o.value);
  if (sample.has_mask()) {
    sample.mask = detail::remap(sample.mask, map_x, map_y, cv::INTER_NEAREST, o.border_mode, o.mask_value);
  }
}

std::string OpticalDistortion::describe() const {
  const auto& o = options_;
  std::ostringstream out;
  out << name() << "(distort_limit=" << detail::format_range(o.distort_limit)
      << ", shift_limit=" << detail::format_range(o.shift_limit)
      << ", interpolation=" << detail::interpolation_name(o.interpolation)
      << ", border_mode=" << detail::border_mode_name(o.border_mode) << ", p=" << p() << ")";
  return out.str();
}

}  // namespace segkit::transforms
