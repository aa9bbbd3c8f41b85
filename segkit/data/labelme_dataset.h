#pragma once
// LabelMe JSON polygons as a Dataset: every `<name>.json` of a folder is one sample. The image is
// `imagePath` next to the JSON when that file exists, else the base64 `imageData` embedded in it.
// Shapes of type polygon, rectangle and circle are filled into the channel of their class
// (labelme's shape_to_mask: points rounded to the nearest pixel, outline included); `label_map`
// maps label names to class names (e.g. {pedestrian: person}), labels listed in `ignore_labels` are
// dropped, and any other unknown label is a DataError naming the file.

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "segkit/data/dataset.h"

namespace segkit::data {

struct LabelMeOptions {
  std::filesystem::path dir{};
  std::vector<std::string> classes{};
  std::map<std::string, std::string> label_map{};
  std::set<std::string> ignore_labels{};
};

class LabelMeDataset : public Dataset {
 public:
  explicit LabelMeDataset(LabelMeOptions options);
  size_t size() const override { return files_.size(); }
  Sample get(size_t index) const override;
  const std::vector<std::string>& class_names() const override { return options_.classes; }
  std::string id(size_t index) const override;

 private:
  Sample read_document(const std::filesystem::path& file) const;

  LabelMeOptions options_;
  std::vector<std::filesystem::path> files_;
};

/// RFC 4648 base64 (whitespace ignored); DataError on any other character or bad padding.
std::string decode_base64(std::string_view text);

}  // namespace segkit::data
