#pragma once
// Small synthetic datasets in the exact file layout of a Kaggle segmentation competition, with
// shapes a small model learns in seconds: for tests, demos (`make demo`) and smoke runs of a
// pipeline before the real data is downloaded. docs/data.md ("Synthetic data") lists the files.
//
//   kind       files                                                  default size (H x W)
//   steel      train_images/<9 hex>.jpg, train.csv (ImageId,ClassId,   128 x 800 (Severstal's 256 x
//              EncodedPixels; only rows with pixels)                   1600 halved)
//   clouds     train_images/<7 hex>.jpg, train.csv (Image_Label,       140 x 210 (1400 x 2100 / 10)
//              EncodedPixels; 4 rows per image, empty when absent)
//   pneumo     train_png/<SIIM UID>.png, train-rle.csv (ImageId,       256 x 256 (SIIM's 1024 / 4)
//              EncodedPixels; relative RLE, -1 = empty)
//   buildings  RGB-PanSharpen/RGB-PanSharpen_AOI_0_Synth_img<N>.tif    256 x 256 (0.3 m, UTM 16N)
//              (8-bit RGB GeoTIFF), geojson/buildings/buildings_AOI_0_
//              Synth_img<N>.geojson (SpaceNet 2 layout; needs GDAL)
//
// Every kind also writes OUT_DIR/data.yaml, a `data:` section that build_dataset reads with
// base_dir = OUT_DIR, so a run config can `include:` it. The same options and seed give
// byte-identical files on one machine; draws are portable (raw mt19937_64 output), so only
// OpenCV's rasterisation and JPEG encoder can differ across platforms.
//
//   segkit::data::SynthOptions options;
//   options.kind = segkit::data::SynthKind::kSteel;
//   options.count = 16;
//   auto summary = segkit::data::synthesize(options, "demo/steel");  // demo/steel/data.yaml

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "segkit/data/sample.h"

namespace segkit::data {

enum class SynthKind { kSteel, kClouds, kPneumo, kBuildings };

/// "steel", "clouds", "pneumo" or "buildings"; ConfigError with did-you-mean otherwise.
SynthKind parse_synth_kind(const std::string& name);
std::string to_string(SynthKind kind);
/// The names parse_synth_kind accepts, in enum order.
std::vector<std::string> synth_kind_names();

struct SynthOptions {
  SynthKind kind = SynthKind::kSteel;
  int count = 32;                          // images to write (>= 1)
  int height = 0;                          // 0: the kind's default
  int width = 0;                           // 0: the kind's default
  uint64_t seed = 42;
  std::optional<double> empty_fraction{};  // share of images without any mask; unset: the kind's default
  bool keep_samples = false;               // return what was drawn (SynthSummary::samples), for tests
};

struct SynthSummary {
  SynthKind kind = SynthKind::kSteel;
  size_t images = 0;
  size_t empty_images = 0;
  std::vector<std::string> classes{};  // mask channel order, as data.yaml names them
  std::vector<size_t> positives{};     // per class: images with at least one pixel of it
  std::filesystem::path config{};      // OUT_DIR/data.yaml
  // With keep_samples: per image, its id as the labels name it, the image before encoding and the
  // H x W x K 0/1 mask the labels encode, in CSV order.
  std::vector<Sample> samples{};
};

/// Writes the dataset into `out_dir` (created when absent; existing files of the same names are
/// replaced atomically). ConfigError for bad options (count < 1, a size too small for the kind,
/// an empty fraction outside [0, 1]) and for `buildings` without GDAL.
SynthSummary synthesize(const SynthOptions& options, const std::filesystem::path& out_dir);

}  // namespace segkit::data
