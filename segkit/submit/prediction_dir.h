#pragma once
// The prediction directory: what `segkit predict` writes and `segkit submit` / `segkit evaluate` read.
//
//   PRED_DIR/index.json        {"format": "segkit-predictions-v1", "classes": ["1", ...],
//                               "images": [{"id": "0002cc93b.jpg", "stem": "0002cc93b",
//                                           "height": 256, "width": 1600}, ...]}
//   PRED_DIR/masks/<stem>/<class>.png   8-bit 0/255 at the original resolution
//
//   PRED_DIR/labels/<stem>.png          multiclass models with --save labels: 8-bit class index
//                                       per pixel (index.json then says "mode": "multiclass")
//
// A missing PNG is an empty mask, so mostly-empty test sets (Severstal, SIIM) cost no files. The
// stem is the id without an image extension (".jpg", ".png", ...; SIIM's UIDs keep their dots), and
// the index keeps both because submissions need the id exactly as the competition spells it.
//
//   PredictionIndex index{{"1", "2", "3", "4"}, {}};
//   index.images.push_back(write_prediction_masks(dir, "0002cc93b.jpg", mask, index.classes));
//   write_prediction_index(dir, index);                       // atomic; write it last
//   cv::Mat m = read_prediction_masks(dir, index.images[0], index.classes);  // H x W x K 0/1

#include <opencv2/core/mat.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "segkit/core/task_mode.h"

namespace segkit::submit {

inline constexpr const char* kPredictionFormat = "segkit-predictions-v1";

struct PredictionImage {
  std::string id{};
  std::string stem{};
  int height = 0;
  int width = 0;
};

struct PredictionIndex {
  std::vector<std::string> classes{};
  std::vector<PredictionImage> images{};
  TaskMode mode = TaskMode::kMultilabel;
  /// False for a classifier's predictions (index.json "masks": false): probabilities/<stem>.safetensors
  /// with `labels` only, and class_probabilities.csv.
  bool has_masks = true;
};

/// The id without a known image extension (io::is_image_file); other ids are returned unchanged.
std::string image_stem(const std::string& id);

/// Reads PRED_DIR/index.json; DataError naming the file for a wrong format tag, a missing field,
/// duplicate ids or stems, or a stem or class name that is not a plain file name.
PredictionIndex read_prediction_index(const std::filesystem::path& dir);
/// DataError, naming `dir` and what `purpose` is, when the index holds no masks (a classifier's).
void require_masks(const PredictionIndex& index, const std::filesystem::path& dir, const std::string& purpose);
/// Writes PRED_DIR/index.json atomically (after validating it as the reader does).
void write_prediction_index(const std::filesystem::path& dir, const PredictionIndex& index);

/// Writes the non-empty channels of `masks` (H x W x K CV_8U, nonzero = foreground, K = classes)
/// as masks/<stem>/<class>.png and removes stale PNGs of empty channels. Returns the index entry.
PredictionImage write_prediction_masks(const std::filesystem::path& dir, const std::string& id,
                                       const cv::Mat& masks, const std::vector<std::string>& classes);

/// One 0/1 plane per class of a class-index image (H x W CV_8U): plane k is 1 where labels == k.
std::vector<cv::Mat> label_planes(const cv::Mat& labels, size_t classes);

/// Writes labels/<stem>.png: `labels` is H x W CV_8U, class indices below classes.size() (at most
/// 255 classes). Returns the index entry.
PredictionImage write_prediction_labels(const std::filesystem::path& dir, const std::string& id, const cv::Mat& labels,
                                        const std::vector<std::string>& classes);

/// H x W x K CV_8U 0/1: from labels/<stem>.png when it exists (one class per pixel), else from the
/// per-class PNGs (nonzero PNG pixels are foreground). DataError naming the PNG when it is
/// not 8-bit single-channel or its size differs from the index.
cv::Mat read_prediction_masks(const std::filesystem::path& dir, const PredictionImage& image,
                              const std::vector<std::string>& classes);

}  // namespace segkit::submit
