#include "segkit/data/concat_dataset.h"

#include <fmt/format.h>

#include <algorithm>

#include "segkit/core/error.h"

namespace segkit::data {

ConcatDataset::ConcatDataset(std::vector<DatasetPtr> parts) : parts_(std::move(parts)), offsets_{0} {
  if (parts_.empty()) throw DataError("a concatenated dataset needs at least one part");
  for (const auto& part : parts_) {
    if (part->class_names() != parts_.front()->class_names()) {
      throw DataError(fmt::format("cannot mix datasets with classes [{}] and [{}]",
                                  fmt::join(parts_.front()->class_names(), ", "), fmt::join(part->class_names(), ", ")));
    }
    offsets_.push_back(offsets_.back() + part->size());
  }
}

std::pair<const Dataset*, size_t> ConcatDataset::locate(size_t index) const {
  if (index >= size()) throw DataError(fmt::format("sample {} is out of range (the dataset has {})", index, size()));
  const auto part = static_cast<size_t>(std::upper_bound(offsets_.begin(), offsets_.end(), index) - offsets_.begin()) - 1;
  return {parts_[part].get(), index - offsets_[part]};
}

Sample ConcatDataset::get(size_t index) const {
  const auto [part, position] = locate(index);
  return part->get(position);
}

std::string ConcatDataset::id(size_t index) const {
  const auto [part, position] = locate(index);
  return part->id(position);
}

std::vector<bool> ConcatDataset::classes_present(size_t index) const {
  const auto [part, position] = locate(index);
  return part->classes_present(position);
}

}  // namespace segkit::data
