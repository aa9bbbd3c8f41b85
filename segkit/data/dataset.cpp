#include "segkit/data/dataset.h"

#include <opencv2/core.hpp>

namespace segkit::data {

std::vector<bool> Dataset::classes_present(size_t index) const {
  const Sample sample = get(index);
  std::vector<bool> present(class_names().size(), false);
  if (!sample.has_mask()) return present;
  std::vector<cv::Mat> planes;
  cv::split(sample.mask, planes);
  // > 0.5: a soft label (probabilities) is present where it would be predicted.
  for (size_t k = 0; k < planes.size() && k < present.size(); ++k) {
    double peak = 0;
    cv::minMaxLoc(planes[k], nullptr, &peak);
    present[k] = peak > 0.5;
  }
  return present;
}

}  // namespace segkit::data
