#pragma once
// Images with mask images beside them, matched by file stem:
//   images/<stem>.<ext> + masks/<stem><mask_suffix>.<any image ext>     (mask_dir set)
//   dir/<stem>.<ext>    + dir/<stem><mask_suffix>.png                   (mask_dir empty)
// Mask encodings (`mask_mode`):
//   binary        one class; foreground = grey value >= threshold (lossy JPEG masks: Kvasir),
//                 or < threshold with `invert` (ISBI labels are white where there is *no* membrane)
//   index         one class per pixel value: class k where value == class_values[k]
//   multichannel  mask channel k (after RGB conversion) >= threshold is class k
// A mask whose size differs from its image is a DataError naming both files.

#include <filesystem>
#include <string>
#include <vector>

#include "segkit/data/dataset.h"

namespace segkit::data {

struct MaskFolderOptions {
  std::filesystem::path image_dir{};
  std::filesystem::path mask_dir{};  // empty: masks live beside the images
  std::string mask_suffix{};         // "_mask" for name_mask.png
  std::vector<std::string> classes = {"foreground"};
  std::string mask_mode = "binary";  // binary | index | multichannel
  int threshold = 128;
  bool invert = false;
  std::vector<int> class_values{};  // index mode
};

class MaskFolderDataset : public Dataset {
 public:
  explicit MaskFolderDataset(MaskFolderOptions options);
  size_t size() const override { return pairs_.size(); }
  Sample get(size_t index) const override;
  const std::vector<std::string>& class_names() const override { return options_.classes; }
  std::string id(size_t index) const override { return pairs_.at(index).image.filename().string(); }

 private:
  struct Pair {
    std::filesystem::path image, mask;
  };
  MaskFolderOptions options_;
  std::vector<Pair> pairs_;
};

/// Image files of a folder (is_image_file), sorted by name; IoError when the folder is missing.
std::vector<std::filesystem::path> list_images(const std::filesystem::path& dir);

}  // namespace segkit::data
