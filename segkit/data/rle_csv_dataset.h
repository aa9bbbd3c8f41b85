#pragma once
// Kaggle run-length CSVs as a Dataset: every layout the segmentation competitions used.
//
//   layout              header                          example / note
//   long, combined id   ImageId_ClassId,EncodedPixels   0002cc93b.jpg_1 (Severstal 2019, 1-based)
//                       Image_Label,EncodedPixels       0011165.jpg_Fish (Clouds, class name)
//   long, class column  ImageId,ClassId,EncodedPixels   Severstal re-release; number or name
//   long, single class  ImageId,EncodedPixels           rows of one image are united (Airbus)
//   wide                ImageId,<class 1>,<class 2>,... one RLE column per class name
//
// Rows with an empty RLE (or SIIM's -1) mean "no mask of that class" and still list the image, so
// empty images are samples. Images are read from `image_dir/<id>` (plus `image_extension` when the
// id does not end with it, e.g. SIIM's UIDs) and their size sets the mask size, so images of
// different sizes work. The CSV is parsed and checked when the dataset is built (an unknown class
// or a missing image, unless `skip_missing_images`, is a DataError naming `file:line`); an RLE
// field that does not fit its image is a DataError naming `file:line` and the image when the sample
// is read.

#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include "segkit/data/dataset.h"

namespace segkit::data {

struct RleCsvOptions {
  std::filesystem::path csv{};
  std::filesystem::path image_dir{};
  std::vector<std::string> classes = {"foreground"};
  std::string encoding = "kaggle";  // kaggle | siim
  std::string image_column{};       // default: the first of ImageId, Image, image_id, fname, id
  std::string rle_column{};         // default: the first of EncodedPixels, mask, rle
  std::string image_extension{};  // appended to ids that do not end with it (SIIM: ".png" / ".dcm")
  bool skip_missing_images = false;  // else a missing image is an error
  // Images of image_dir that the CSV does not name become samples with empty masks, after the listed
  // ones in name order: Severstal's current train.csv lists only images with defects.
  bool include_unlisted_images = false;
};

class RleCsvDataset : public Dataset {
 public:
  explicit RleCsvDataset(RleCsvOptions options);

  size_t size() const override { return images_.size(); }
  Sample get(size_t index) const override;
  const std::vector<std::string>& class_names() const override { return options_.classes; }
  std::string id(size_t index) const override { return images_.at(index).id; }
  /// Images listed in the CSV but not found (only with skip_missing_images).
  size_t skipped() const { return skipped_; }
  /// From the CSV: a class is present when its RLE field is not empty (no decoding).
  std::vector<bool> classes_present(size_t index) const override;

 private:
  struct Run {
    size_t channel;
    std::string rle;
    std::string where;  // csv:line
  };
  struct Image {
    std::string id;
    std::filesystem::path path;
    std::vector<Run> runs;
  };

  void add_unlisted_images(const std::unordered_map<std::string, size_t>& listed);

  RleCsvOptions options_;
  std::vector<Image> images_;
  size_t skipped_ = 0;
};

}  // namespace segkit::data
