#pragma once
// A folder of images without labels (test sets): samples have an empty mask. Files are sorted by name.

#include <filesystem>
#include <string>
#include <vector>

#include "segkit/data/dataset.h"

namespace segkit::data {

class ImageFolderDataset : public Dataset {
 public:
  explicit ImageFolderDataset(const std::filesystem::path& dir);
  size_t size() const override { return files_.size(); }
  Sample get(size_t index) const override;
  const std::vector<std::string>& class_names() const override { return no_classes_; }
  std::string id(size_t index) const override { return files_.at(index).filename().string(); }

 private:
  std::vector<std::filesystem::path> files_;
  std::vector<std::string> no_classes_;
};

}  // namespace segkit::data
