#include "segkit/data/mask_folder_dataset.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <map>

#include "segkit/core/error.h"
#include "segkit/core/strings.h"
#include "segkit/io/image_io.h"

namespace segkit::data {
std::vector<std::filesystem::path> list_images(const std::filesystem::path& dir) {
  if (!std::filesystem::is_directory(dir)) throw IoError("image folder not found: " + dir.string());
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file() && io::is_image_file(entry.path())) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

MaskFolderDataset::MaskFolderDataset(MaskFolderOptions options) : options_(std::move(options)) {
  const auto& mode = options_.mask_mode;
  if (mode != "binary" && mode != "index" && mode != "multichannel") {
    throw ConfigError("data.mask_mode must be binary, index or multichannel, got '" + mode + "'");
  }
  if (mode == "binary" && options_.classes.size() != 1) {
    throw ConfigError("data.mask_mode binary has one class, the config names " +
                      std::to_string(options_.classes.size()) + "; use index or multichannel");
  }
  if (mode == "index" && options_.class_values.size() != options_.classes.size()) {
    throw ConfigError("data.class_values must give one pixel value per class (" +
                      std::to_string(options_.classes.size()) + " classes)");
  }
  const bool beside = options_.mask_dir.empty();
  if (beside && options_.mask_suffix.empty()) {
    throw ConfigError("data: masks beside the images need data.mask_suffix (e.g. _mask), or set data.mask_dir");
  }
  std::map<std::string, std::filesystem::path> masks;  // stem (suffix removed) -> file
  for (const auto& file : list_images(beside ? options_.image_dir : options_.mask_dir)) {
    const std::string stem = file.stem().string();
    if (!ends_with(stem, options_.mask_suffix)) continue;
    masks[stem.substr(0, stem.size() - options_.mask_suffix.size())] = file;
  }
  for (const auto& image : list_images(options_.image_dir)) {
    const std::string stem = image.stem().string();
    if (beside && ends_with(stem, options_.mask_suffix)) continue;  // a mask, not an image
    const auto mask = masks.find(stem);
    if (mask == masks.end()) {
      throw DataError("no mask for image " + image.string() + " (looked for " +
                      ((beside ? options_.image_dir : options_.mask_dir) / (stem + options_.mask_suffix)).string() +
                      ".<png|jpg|tif|bmp>)");
    }
    pairs_.push_back({image, mask->second});
  }
  if (pairs_.empty()) throw DataError("no images in " + options_.image_dir.string());
}

Sample MaskFolderDataset::get(size_t index) const {
  const Pair& pair = pairs_.at(index);
  Sample sample;
  sample.id = pair.image.filename().string();
  sample.image = io::read_image(pair.image);
  const bool multichannel = options_.mask_mode == "multichannel";
  cv::Mat raw = io::read_image(pair.mask, multichannel ? io::ImageMode::kAsStored : io::ImageMode::kGray);
  if (raw.rows != sample.image.rows || raw.cols != sample.image.cols) {
    throw DataError("mask " + pair.mask.string() + " is " + std::to_string(raw.cols) + "x" + std::to_string(raw.rows) +
                    " but image " + pair.image.string() + " is " + std::to_string(sample.image.cols) + "x" +
                    std::to_string(sample.image.rows));
  }
  std::vector<cv::Mat> channels;
  if (options_.mask_mode == "index") {
    // Class indices are compared as stored: a 16-bit index mask keeps its values.
    for (int value : options_.class_values) channels.push_back((raw == value) / 255);
  } else {
    // Thresholds are on the 8-bit scale: 16-bit masks span 0..65535, float masks 0..1.
    if (raw.depth() != CV_8U) raw.convertTo(raw, CV_8U, raw.depth() == CV_32F ? 255.0 : 255.0 / 65535.0);
    std::vector<cv::Mat> planes;
    cv::split(raw, planes);
    if (multichannel && planes.size() < options_.classes.size()) {
      throw DataError("mask " + pair.mask.string() + " has " + std::to_string(planes.size()) + " channels, the config names " +
                      std::to_string(options_.classes.size()) + " classes");
    }
    for (size_t k = 0; k < options_.classes.size(); ++k) {
      cv::Mat foreground = options_.invert ? planes[k] < options_.threshold : planes[k] >= options_.threshold;
      channels.push_back(foreground / 255);
    }
  }
  cv::merge(channels, sample.mask);
  return sample;
}

}  // namespace segkit::data
