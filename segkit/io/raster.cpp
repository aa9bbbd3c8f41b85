#include "segkit/io/raster.h"

#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>

#include "segkit/core/error.h"

namespace segkit::io {
namespace {

// numpy.percentile's default (linear interpolation between closest ranks), which SpaceNet used.
double percentile(std::vector<double>& values, double p) {
  const double rank = p / 100.0 * static_cast<double>(values.size() - 1);
  const auto below = static_cast<size_t>(std::floor(rank));
  const size_t above = std::min(below + 1, values.size() - 1);
  std::nth_element(values.begin(), values.begin() + below, values.end());
  const double low = values[below];
  if (above == below || rank == static_cast<double>(below)) return low;
  const double high = *std::min_element(values.begin() + below + 1, values.end());
  return low + (high - low) * (rank - static_cast<double>(below));
}

cv::Mat stretch_band(const cv::Mat& band, const std::optional<double>& nodata, const RgbOptions& options) {
  cv::Mat values;
  band.convertTo(values, CV_64F);
  const auto valid = [&](double v) { return !std::isnan(v) && !(nodata && v == *nodata); };
  std::vector<double> samples;
  samples.reserve(values.total());
  for (int r = 0; r < values.rows; ++r) {
    const double* row = values.ptr<double>(r);
    for (int c = 0; c < values.cols; ++c) {
      if (valid(row[c])) samples.push_back(row[c]);
    }
  }
  cv::Mat out = cv::Mat::zeros(band.size(), CV_8U);
  if (samples.empty()) return out;
  double low = 0, high = 0;
  if (options.stretch == Stretch::kMinMax) {
    const auto [min, max] = std::minmax_element(samples.begin(), samples.end());
    low = *min;
    high = *max;
  } else {
    low = percentile(samples, options.low_percentile);
    high = percentile(samples, options.high_percentile);
  }
  if (!(high > low)) return out;
  const double scale = 255.0 / (high - low);
  for (int r = 0; r < values.rows; ++r) {
    const double* in = values.ptr<double>(r);
    uint8_t* dst = out.ptr<uint8_t>(r);
    for (int c = 0; c < values.cols; ++c) {
      if (!valid(in[c])) continue;
      dst[c] = static_cast<uint8_t>(std::lround(std::clamp((in[c] - low) * scale, 0.0, 255.0)));
    }
  }
  return out;
}

}  // namespace

bool GeoReference::is_identity() const { return transform == GeoReference{}.transform; }

cv::Point2d GeoReference::pixel_to_world(double col, double row) const {
  const auto& t = transform;
  return {t[0] + col * t[1] + row * t[2], t[3] + col * t[4] + row * t[5]};
}

cv::Point2d GeoReference::world_to_pixel(cv::Point2d world) const {
  // GDALInvGeoTransform's arithmetic, so pixel coordinates (and centre-on-edge ties) match GDAL's.
  const auto& t = transform;
  std::array<double, 6> inv{};
  if (t[2] == 0.0 && t[4] == 0.0 && t[1] != 0.0 && t[5] != 0.0) {
    inv = {-t[0] / t[1], 1.0 / t[1], 0.0, -t[3] / t[5], 0.0, 1.0 / t[5]};
  } else {
    const double det = t[1] * t[5] - t[2] * t[4];
    const double magnitude = std::max({std::fabs(t[1]), std::fabs(t[2]), std::fabs(t[4]), std::fabs(t[5])});
    if (std::fabs(det) <= 1e-10 * magnitude * magnitude) {
      throw DataError("geotransform is singular (pixel size 0); cannot map world coordinates to pixels");
    }
    const double inv_det = 1.0 / det;
    inv = {(t[2] * t[3] - t[0] * t[5]) * inv_det, t[5] * inv_det,  -t[2] * inv_det,
           (-t[1] * t[3] + t[0] * t[4]) * inv_det, -t[4] * inv_det, t[1] * inv_det};
  }
  return {inv[0] + world.x * inv[1] + world.y * inv[2], inv[3] + world.x * inv[4] + world.y * inv[5]};
}

cv::Mat to_rgb8(const GeoRaster& raster, const RgbOptions& options) {
  if (raster.pixels.empty()) throw DataError("to_rgb8: empty raster");
  const int count = raster.pixels.channels();
  std::vector<int> bands = options.bands;
  if (bands.empty()) bands = count >= 3 ? std::vector<int>{1, 2, 3} : std::vector<int>{1, 1, 1};
  if (bands.size() != 3 && bands.size() != 1) {
    throw DataError("RGB bands: give 3 band numbers (or 1 for grey), got " + std::to_string(bands.size()));
  }
  if (bands.size() == 1) bands = {bands[0], bands[0], bands[0]};
  if (options.stretch == Stretch::kPercentile &&
      !(0.0 <= options.low_percentile && options.low_percentile < options.high_percentile &&
        options.high_percentile <= 100.0)) {
    throw DataError("percentiles must satisfy 0 <= low < high <= 100");
  }
  std::vector<cv::Mat> planes;
  cv::split(raster.pixels, planes);
  std::vector<cv::Mat> rgb;
  for (size_t i = 0; i < bands.size(); ++i) {
    const int band = bands[i];
    if (band < 1 || band > count) {
      throw DataError("band " + std::to_string(band) + " does not exist; the raster has " + std::to_string(count) +
                      " band(s), numbered from 1");
    }
    const bool repeat = i > 0 && bands[i - 1] == band;
    rgb.push_back(repeat ? rgb.back() : stretch_band(planes[band - 1], raster.nodata, options));
  }
  cv::Mat out;
  cv::merge(rgb, out);
  return out;
}

}  // namespace segkit::io
