#pragma once
// Out-of-fold predictions written by training (`RUN_DIR/fold<k>/oof.safetensors`, metadata
// format "segkit-oof-v1"), read without LibTorch:
//   probabilities/<id>  uint8 (K, H, W), round(p * 255)
//   masks/<id>          uint8 (K, H, W), 0/1 truth
//   labels/<id>         float32 (K), class probabilities of a classification head (optional, all
//                       images or none); a classifier's files (arch: classifier) hold only these
//
//   auto oof = segkit::postprocess::read_oof(segkit::postprocess::find_oof_files("runs/steel"));
//   cv::Mat p = oof.images[0].probabilities[2];     // H x W CV_8U of class 2

#include <filesystem>
#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace segkit::postprocess {

struct OofImage {
  std::string id;
  /// K planes, H x W CV_8U, p * 255; empty for a classifier's image.
  std::vector<cv::Mat> probabilities;
  /// K planes, H x W CV_8U 0/1; empty for a classifier's image.
  std::vector<cv::Mat> masks;
  /// K classifier probabilities, empty when the file has no labels/<id>.
  std::vector<float> labels;
  /// K flags set by attach_emptiness (two_stage_oof.h): an earlier stage empties the class here.
  std::vector<uint8_t> emptied;
};

struct OofData {
  int num_classes = 0;
  /// Planes point into the files, memory-mapped read-only (paged in on use, so a run's out-of-fold
  /// maps may exceed memory); they must not be written.
  std::vector<OofImage> images;
  /// Keeps the mappings alive as long as the data.
  std::vector<std::shared_ptr<const uint8_t>> mappings;
  /// True when every image carries classifier probabilities.
  bool has_labels() const;
  /// True when every image has probability maps and truth (false: a classifier's predictions).
  bool has_masks() const;
};

/// The files of every fold of a run, fold*/oof.safetensors sorted by name. Throws DataError when the
/// directory is missing or holds none.
std::vector<std::filesystem::path> find_oof_files(const std::filesystem::path& run_dir);

/// Reads one or more files (the folds of a run) into one set. Throws DataError naming the file and
/// tensor: wrong format, dtype or shape, a probabilities/ without its masks/, classes that disagree
/// between images, an id present in two files.
OofData read_oof(const std::vector<std::filesystem::path>& files);
OofData read_oof(const std::filesystem::path& file);

}  // namespace segkit::postprocess
