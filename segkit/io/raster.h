#pragma once
// Georeferenced rasters without GDAL: the pixel <-> world mapping, the raster as read, and the 8-bit
// RGB view the datasets feed to models. Reading and writing GeoTIFFs is in geotiff.h (needs GDAL).
//
//   io::GeoRaster chip = io::read_geotiff("chip.tif");          // 900x900 CV_16UC1, EPSG:32616
//   cv::Point2d xy = chip.georef.pixel_to_world(0.5, 0.5);     // centre of the top-left pixel
//   cv::Mat rgb = io::to_rgb8(chip);                            // CV_8UC3, 2-98 % stretch per band

#include <opencv2/core/mat.hpp>

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace segkit::io {

/// GDAL's affine geotransform plus the CRS. x = t[0] + col * t[1] + row * t[2],
/// y = t[3] + col * t[4] + row * t[5], with (col, row) = (0, 0) the top-left corner of the top-left
/// pixel. The default is GDAL's identity (pixel = world), what GDAL reports for plain images.
struct GeoReference {
  std::array<double, 6> transform{0.0, 1.0, 0.0, 0.0, 0.0, 1.0};
  std::string crs_wkt{};  ///< empty when the raster names no CRS

  bool is_identity() const;
  cv::Point2d pixel_to_world(double col, double row) const;
  /// Throws DataError when the transform is singular (a zero pixel size).
  cv::Point2d world_to_pixel(cv::Point2d world) const;
  bool operator==(const GeoReference& other) const {
    return transform == other.transform && crs_wkt == other.crs_wkt;
  }
};

/// A raster as stored: rows x cols x bands, native depth (CV_8U, CV_16U, CV_16S, CV_32S, CV_32F,
/// CV_64F), bands in file order.
struct GeoRaster {
  cv::Mat pixels{};
  GeoReference georef{};
  std::optional<double> nodata{};  ///< GeoTIFF stores one no-data value for all bands
};

enum class Stretch {
  kPercentile,  ///< per band, [low, high] percentile -> [0, 255] (SpaceNet's convert_to_8Bit)
  kMinMax,      ///< per band, [min, max] -> [0, 255]
};

struct RgbOptions {
  Stretch stretch = Stretch::kPercentile;
  double low_percentile = 2.0;
  double high_percentile = 98.0;
  /// 1-based band numbers (GDAL's) for R, G, B; empty: 1, 2, 3, or band 1 three times for one-band
  /// rasters. WorldView 8-band multispectral is [5, 3, 2].
  std::vector<int> bands{};
};

/// The 8-bit RGB image the datasets use: each chosen band is stretched linearly so its low/high
/// statistic maps to 0/255 (clamped, rounded to nearest). No-data pixels are left out of the
/// statistics and come out 0. A constant band comes out 0. DataError for a band number out of range.
cv::Mat to_rgb8(const GeoRaster& raster, const RgbOptions& options = {});

}  // namespace segkit::io
