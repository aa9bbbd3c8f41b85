#include "segkit/postprocess/two_stage_oof.h"

#include <fmt/format.h>

#include <map>
#include <optional>

#include "segkit/core/error.h"
#include "segkit/postprocess/class_postprocess.h"

namespace segkit::postprocess {
namespace {

std::map<std::string, const OofImage*> by_id(const OofData& data) {
  std::map<std::string, const OofImage*> images;
  for (const auto& image : data.images) images[image.id] = &image;
  return images;
}

void check_classes(const OofData& oof, const OofData& other, const std::string& source) {
  if (other.num_classes != oof.num_classes) {
    throw DataError(fmt::format("{}: {} classes in its out-of-fold predictions, the tuned run has {}", source,
                                other.num_classes, oof.num_classes));
  }
}

const OofImage& find_image(const std::map<std::string, const OofImage*>& images, const std::string& id,
                           const std::string& source) {
  const auto found = images.find(id);
  if (found == images.end()) {
    throw DataError(fmt::format("{}: no out-of-fold prediction for image '{}' (train every stage on the same folds "
                                "file, with --folds all)",
                                source, id));
  }
  return *found->second;
}

}  // namespace

void attach_classifier(OofData& oof, const OofData& classifier, const std::string& source) {
  check_classes(oof, classifier, source);
  if (!classifier.has_labels()) {
    throw DataError(source + ": its out-of-fold predictions have no class probabilities (a classifier, or a model "
                             "with a classification head, writes them)");
  }
  const auto images = by_id(classifier);
  for (auto& image : oof.images) image.labels = find_image(images, image.id, source).labels;
}

void attach_emptiness(OofData& oof, const OofData& emptiness, const PostprocessConfig& rules,
                      const std::vector<std::string>& class_names, const std::string& source) {
  check_classes(oof, emptiness, source);
  if (!emptiness.has_masks()) throw DataError(source + ": its out-of-fold predictions have no masks to say which are empty");
  const auto images = by_id(emptiness);
  for (auto& image : oof.images) {
    const OofImage& gate = find_image(images, image.id, source);
    image.emptied.assign(static_cast<size_t>(oof.num_classes), 0);
    for (int k = 0; k < oof.num_classes; ++k) {
      std::optional<double> class_probability;
      if (!gate.labels.empty()) class_probability = gate.labels[static_cast<size_t>(k)];
      const auto& params = rules.for_class(class_names.at(static_cast<size_t>(k)));
      image.emptied[static_cast<size_t>(k)] =
          cv::countNonZero(apply_postprocess(gate.probabilities[static_cast<size_t>(k)], params, class_probability)) == 0;
    }
  }
}

}  // namespace segkit::postprocess
