#pragma once
// Some samples of a dataset, in the given order, as a dataset (a resumed `segkit predict` decodes
// only the images still to do).

#include <vector>

#include "segkit/data/dataset.h"

namespace segkit::data {

class SubsetDataset : public Dataset {
 public:
  SubsetDataset(DatasetPtr source, std::vector<size_t> positions)
      : source_(std::move(source)), positions_(std::move(positions)) {}
  size_t size() const override { return positions_.size(); }
  Sample get(size_t index) const override { return source_->get(positions_.at(index)); }
  const std::vector<std::string>& class_names() const override { return source_->class_names(); }
  std::string id(size_t index) const override { return source_->id(positions_.at(index)); }
  std::vector<bool> classes_present(size_t index) const override {
    return source_->classes_present(positions_.at(index));
  }

 private:
  DatasetPtr source_;
  std::vector<size_t> positions_;
};

}  // namespace segkit::data
