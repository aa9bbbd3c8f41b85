#include "segkit/data/geotiff_dataset.h"

#include <algorithm>
#include <cctype>

#include "segkit/core/error.h"
#include "segkit/core/strings.h"
#include "segkit/io/geotiff.h"

namespace segkit::data {
namespace {

bool is_tiff(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  // A leading dot is a temp file of an interrupted atomic write (core/atomic_file.h), never a chip.
  return (ext == ".tif" || ext == ".tiff") && path.filename().string().front() != '.';
}

}  // namespace

GeoTiffDataset::GeoTiffDataset(GeoTiffOptions options) : options_(std::move(options)) {
  if (options_.classes.size() != 1) {
    throw ConfigError("data.classes: format geotiff has one class (the footprints), the config names " +
                      std::to_string(options_.classes.size()));
  }
  if (!std::filesystem::is_directory(options_.image_dir)) {
    throw IoError("GeoTIFF folder not found: " + options_.image_dir.string());
  }
  const auto label_dir = options_.label_dir.empty() ? options_.image_dir : options_.label_dir;
  std::vector<std::filesystem::path> images;
  for (const auto& entry : std::filesystem::directory_iterator(options_.image_dir)) {
    if (entry.is_regular_file() && is_tiff(entry.path())) images.push_back(entry.path());
  }
  std::sort(images.begin(), images.end());
  for (const auto& image : images) {
    std::string key = image.stem().string();
    if (!starts_with(key, options_.image_prefix)) {
      throw DataError("image " + image.string() + " does not start with data.image_prefix '" + options_.image_prefix +
                      "'");
    }
    key = key.substr(options_.image_prefix.size());
    const auto label = label_dir / (options_.label_prefix + key + options_.label_suffix + ".geojson");
    if (!std::filesystem::is_regular_file(label)) {
      throw DataError("no GeoJSON labels for image " + image.string() + " (looked for " + label.string() +
                      "; set data.label_dir, label_prefix, label_suffix or image_prefix)");
    }
    pairs_.push_back({image, label});
  }
  if (pairs_.empty()) throw DataError("no .tif/.tiff images in " + options_.image_dir.string());
}

Sample GeoTiffDataset::get(size_t index) const {
  const Pair& pair = pairs_.at(index);
  io::GeoRaster raster = io::read_geotiff(pair.image);
  Sample sample;
  sample.id = pair.image.filename().string();
  sample.mask = io::rasterize_geojson(pair.label, raster.georef, raster.pixels.rows, raster.pixels.cols);
  sample.image = options_.raw ? std::move(raster.pixels) : io::to_rgb8(raster, options_.rgb);
  return sample;
}

io::GeoReference GeoTiffDataset::georeference(size_t index) const {
  return io::read_georeference(pairs_.at(index).image);
}

}  // namespace segkit::data
