#include "segkit/data/dataset.h"

#include <opencv2/core.hpp>

namespace segkit::data {

std::vector<bool> Dataset::classes_present(size_t index) const {
  const Sample sample = get(index);
  std::vector<bool> present(class_names().size(), false);
  if (!sample.has_mask()) return present;
  std::vector<cv::Mat> planes;
  cv::split(sample.mask, planes);
  for (size_t k = 0; k < planes.size() && k < present.size(); ++k) present[k] = cv::countNonZero(planes[k]) > 0;
  return present;
}

}  // namespace segkit::data
