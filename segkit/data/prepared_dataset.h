#pragma once
// A decoded-and-resized copy of a dataset on disk, made once so training does not decode and shrink
// the full-size originals every epoch (the clouds pipelines resized 1400x2100 to 384x576 once).
//
//   segkit::data::PrepareOptions options;
//   options.height = 384; options.width = 576;
//   segkit::data::prepare_dataset(*source, "cache/clouds_384x576", options);
//   segkit::data::PreparedDataset cached("cache/clouds_384x576");   // a Dataset like any other
//
// Layout of the folder: `prepared.json` (ids, class names, size, interpolation), `images/NNNNNN.png`
// (lossless, the source depth and channels) and `masks/NNNNNN.png` with the K class channels packed
// as bits of one 8-bit (K <= 8) or 16-bit (K <= 16) grey image, so any class count that real
// pipelines use stays one lossless file. Images are resized with `interpolation` (area by default,
// the best choice for shrinking), masks with nearest-neighbour so they stay 0/1.
// Soft labels (CV_32F masks of probabilities, from `segkit pseudo-label --soft`) are kept as soft
// labels: the K planes of round(p * 255) stacked vertically in one grey PNG, resized bilinearly, and
// read back as CV_32F. `prepared.json` is written last: a folder without it is an interrupted run and
// is refused.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "segkit/data/dataset.h"

namespace segkit::data {

struct PrepareOptions {
  int height = 0;  ///< 0 with width 0: keep the source size (decode once, no resize)
  int width = 0;
  std::string interpolation = "area";  ///< nearest, linear, cubic, area, lanczos
  int threads = 0;                     ///< 0: all cores
};

/// Writes the prepared copy of `source` into `dir` (created; existing files replaced). Returns the
/// number of samples written. Throws ConfigError on a bad size or interpolation, DataError when a
/// sample fails to load (naming it) or has more than 16 classes.
size_t prepare_dataset(const Dataset& source, const std::filesystem::path& dir, const PrepareOptions& options);

class PreparedDataset : public Dataset {
 public:
  /// Throws DataError when `dir` holds no complete prepared dataset.
  explicit PreparedDataset(const std::filesystem::path& dir);
  size_t size() const override { return ids_.size(); }
  Sample get(size_t index) const override;
  const std::vector<std::string>& class_names() const override { return classes_; }
  std::string id(size_t index) const override { return ids_.at(index); }

 private:
  std::filesystem::path dir_;
  std::vector<std::string> ids_;
  std::vector<std::string> classes_;
  std::vector<bool> labelled_;
  std::vector<bool> soft_;
};

}  // namespace segkit::data
