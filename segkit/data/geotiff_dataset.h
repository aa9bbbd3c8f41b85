#pragma once
// Building footprints: GeoTIFF chips with one GeoJSON of polygons each (SpaceNet, solaris). The mask
// is the polygons rasterised on the chip's own grid (io::rasterize_geojson: a pixel is on when its
// centre is inside), one class; the image is the 8-bit RGB stretch of the chip (io::to_rgb8), or the
// raster as stored. Label file of image_dir/<image_prefix><key>.<tif|tiff>:
//   label_dir/<label_prefix><key><label_suffix>.geojson      (label_dir empty: image_dir)
// SpaceNet 2/3: image_prefix "RGB-PanSharpen_", label_prefix "buildings_".
// georeference(i) gives a chip's grid, so predictions go back with io::write_geotiff.

#include <filesystem>
#include <string>
#include <vector>

#include "segkit/data/dataset.h"
#include "segkit/io/raster.h"

namespace segkit::data {

struct GeoTiffOptions {
  std::filesystem::path image_dir{};
  std::filesystem::path label_dir{};  // empty: the labels live beside the images
  std::string image_prefix{};         // removed from an image's stem to find its label
  std::string label_prefix{};
  std::string label_suffix{};
  std::vector<std::string> classes = {"building"};
  bool raw = false;                   // true: all bands at native depth instead of 8-bit RGB
  io::RgbOptions rgb{};
};

class GeoTiffDataset : public Dataset {
 public:
  /// IoError when image_dir is missing; DataError when it has no .tif/.tiff or an image has no label.
  explicit GeoTiffDataset(GeoTiffOptions options);
  size_t size() const override { return pairs_.size(); }
  Sample get(size_t index) const override;
  const std::vector<std::string>& class_names() const override { return options_.classes; }
  std::string id(size_t index) const override { return pairs_.at(index).image.filename().string(); }
  /// The chip's geotransform and CRS (reads the file's header).
  io::GeoReference georeference(size_t index) const;
  const std::filesystem::path& image_path(size_t index) const { return pairs_.at(index).image; }
  const std::filesystem::path& label_path(size_t index) const { return pairs_.at(index).label; }

 private:
  struct Pair {
    std::filesystem::path image, label;
  };
  GeoTiffOptions options_;
  std::vector<Pair> pairs_;
};

}  // namespace segkit::data
