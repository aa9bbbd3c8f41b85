#pragma once
// A dataset is an indexable collection of Samples: size() and get(i). Readers (Kaggle RLE CSV, mask
// folders, LabelMe, image folders) implement it; get() decodes from disk on every call, is
// thread-safe (the loader calls it from worker threads) and throws DataError naming the file (and
// CSV row) that is missing or corrupt.

#include <memory>
#include <string>
#include <vector>

#include "segkit/data/sample.h"

namespace segkit::data {

class Dataset {
 public:
  virtual ~Dataset() = default;
  virtual size_t size() const = 0;
  virtual Sample get(size_t index) const = 0;
  /// Mask channel names, in channel order (empty for unlabelled datasets).
  virtual const std::vector<std::string>& class_names() const = 0;
  /// The id of sample `index` without decoding it (folds, submissions).
  virtual std::string id(size_t index) const = 0;
  /// Per class, whether sample `index` has any foreground (stratified folds, sampling). The default
  /// decodes the sample; readers that know it from their labels answer without decoding.
  virtual std::vector<bool> classes_present(size_t index) const;
};

using DatasetPtr = std::shared_ptr<const Dataset>;

}  // namespace segkit::data
