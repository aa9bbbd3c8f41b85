#pragma once
// Several datasets with the same classes seen as one: positions 0..a.size()-1 are the first
// dataset's, the next b.size() the second's, and so on. Training mixes pseudo-labelled images into
// the training set this way (train_run.cpp), without copying either.

#include <vector>

#include "segkit/data/dataset.h"

namespace segkit::data {

class ConcatDataset : public Dataset {
 public:
  /// Throws DataError when the parts' class names differ (naming both lists).
  explicit ConcatDataset(std::vector<DatasetPtr> parts);
  size_t size() const override { return offsets_.back(); }
  Sample get(size_t index) const override;
  const std::vector<std::string>& class_names() const override { return parts_.front()->class_names(); }
  std::string id(size_t index) const override;
  std::vector<bool> classes_present(size_t index) const override;

 private:
  /// The part holding `index` and the position within it.
  std::pair<const Dataset*, size_t> locate(size_t index) const;

  std::vector<DatasetPtr> parts_;
  std::vector<size_t> offsets_;  // offsets_[p] = first position of part p; back() = size()
};

}  // namespace segkit::data
