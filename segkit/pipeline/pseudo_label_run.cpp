#include "segkit/pipeline/pseudo_label_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "segkit/core/error.h"
#include "segkit/data/prepared_dataset.h"
#include "segkit/pipeline/image_source.h"
#include "segkit/pipeline/probability_file.h"
#include "segkit/submit/prediction_dir.h"

namespace segkit::pipeline {
namespace {

namespace fs = std::filesystem;

// K x H x W uint8 probabilities of one image as a K-channel CV_32F Mat in [0, 1].
cv::Mat read_soft_mask(const fs::path& dir, const submit::PredictionImage& image, size_t classes) {
  const auto bytes = read_probability_bytes(dir, image, classes, "a soft label or peak confidence");
  std::vector<cv::Mat> planes;
  const size_t plane = static_cast<size_t>(image.height) * static_cast<size_t>(image.width);
  for (size_t k = 0; k < classes; ++k) {
    cv::Mat probability;
    cv::Mat(image.height, image.width, CV_8U, const_cast<uint8_t*>(bytes.data() + k * plane))
        .convertTo(probability, CV_32F, 1.0 / 255.0);
    planes.push_back(probability);
  }
  cv::Mat mask;
  cv::merge(planes, mask);
  return mask;
}

std::vector<float> peak_probabilities(const cv::Mat& soft_mask) {
  std::vector<cv::Mat> planes;
  cv::split(soft_mask, planes);
  std::vector<float> peaks;
  for (const auto& plane : planes) {
    double peak = 0;
    cv::minMaxLoc(plane, nullptr, &peak);
    peaks.push_back(static_cast<float>(peak));
  }
  return peaks;
}

struct Selected {
  size_t source_position = 0;  // in the image source
  submit::PredictionImage image{};
  std::vector<bool> absent{};  // per class: surely absent, so labelled empty
};

// The selected images with their labels, as a dataset prepare_dataset can write.
class PseudoLabelledDataset : public data::Dataset {
 public:
  PseudoLabelledDataset(data::DatasetPtr source, const PseudoLabelRequest& request, std::vector<std::string> classes,
                        std::vector<Selected> selected)
      : source_(std::move(source)), request_(request), classes_(std::move(classes)), selected_(std::move(selected)) {}
  size_t size() const override { return selected_.size(); }
  const std::vector<std::string>& class_names() const override { return classes_; }
  std::string id(size_t index) const override { return selected_.at(index).image.id; }

  data::Sample get(size_t index) const override {
    const auto& entry = selected_.at(index);
    data::Sample sample = source_->get(entry.source_position);
    sample.id = entry.image.id;
    sample.mask = request_.soft ? read_soft_mask(request_.predictions, entry.image, classes_.size())
                                : submit::read_prediction_masks(request_.predictions, entry.image, classes_);
    // Predictions written at another size (the clouds kernels predict 350x525 for 1400x2100 images,
    // `predict --output-size`) label the image at its own size: soft labels bilinear, masks nearest.
    if (sample.mask.size() != sample.image.size()) {
      cv::resize(sample.mask, sample.mask, sample.image.size(), 0, 0, request_.soft ? cv::INTER_LINEAR : cv::INTER_NEAREST);
    }
    std::vector<cv::Mat> planes;
    cv::split(sample.mask, planes);
    for (size_t k = 0; k < planes.size(); ++k) {
      if (entry.absent[k]) planes[k].setTo(0);
    }
    cv::merge(planes, sample.mask);
    return sample;
  }

 private:
  data::DatasetPtr source_;
  const PseudoLabelRequest& request_;
  std::vector<std::string> classes_;
  std::vector<Selected> selected_;
};

}  // namespace

PseudoLabelSummary pseudo_label(const PseudoLabelRequest& request) {
  if (!(0.0 <= request.low && request.low <= request.high && request.high <= 1.0)) {
    throw ConfigError(fmt::format("pseudo-label thresholds need 0 <= low <= high <= 1, got low {} and high {}",
                                  request.low, request.high));
  }
  const auto index = submit::read_prediction_index(request.predictions);
  submit::require_masks(index, request.predictions, "pseudo-labelling (--pred)");
  if (index.mode == TaskMode::kMulticlass) {
    // Its rules (a channel is sure when p <= low or p >= high) are per independent channel.
    throw ConfigError(fmt::format("{} holds multiclass predictions; pseudo-label selects per independent (sigmoid) "
                                  "channel and supports multilabel and binary predictions only",
                                  request.predictions.string()));
  }
  const auto& classes = index.classes;
  std::map<std::string, submit::PredictionImage> classifier_images;
  if (request.classifier) {
    const auto classifier = submit::read_prediction_index(*request.classifier);
    if (classifier.classes != classes) {
      throw DataError(fmt::format("{} predicts classes [{}] but {} predicts [{}]", request.classifier->string(),
                                  fmt::join(classifier.classes, ", "), request.predictions.string(),
                                  fmt::join(classes, ", ")));
    }
    for (const auto& image : classifier.images) classifier_images[image.id] = image;
  }
  const auto source = open_image_source(request.input);
  std::map<std::string, size_t> source_positions;
  for (size_t i = 0; i < source->size(); ++i) source_positions[source->id(i)] = i;

  PseudoLabelSummary summary;
  summary.images = index.images.size();
  summary.classes = classes;
  summary.selected_with_class.assign(classes.size(), 0);
  std::vector<Selected> selected;
  for (const auto& image : index.images) {
    const auto position = source_positions.find(image.id);
    if (position == source_positions.end()) {
      throw DataError(fmt::format("{}: image '{}' of the predictions is not in {}", request.predictions.string(),
                                  image.id, request.input.string()));
    }
    std::optional<std::vector<float>> confidence;
    if (request.classifier) {
      const auto found = classifier_images.find(image.id);
      if (found == classifier_images.end()) {
        throw DataError(fmt::format("{}: no prediction for image '{}'", request.classifier->string(), image.id));
      }
      confidence = read_class_probabilities(*request.classifier, found->second.stem, classes.size());
      if (!confidence) {
        throw DataError(fmt::format("{}: image '{}' has no classifier probabilities (`labels`: a model with a "
                                    "classification head, predicted with --save probs|both)",
                                    request.classifier->string(), image.id));
      }
    } else {
      confidence = read_class_probabilities(request.predictions, image.stem, classes.size());
      if (!confidence) confidence = peak_probabilities(read_soft_mask(request.predictions, image, classes.size()));
    }
    Selected entry{position->second, image, {}};
    bool sure = true;
    for (size_t k = 0; k < classes.size(); ++k) {
      const double p = (*confidence)[k];
      sure = sure && (p < request.low || p > request.high);
      entry.absent.push_back(p < request.low);
    }
    if (!sure) continue;
    if (request.agree) {
      const cv::Mat masks = submit::read_prediction_masks(request.predictions, image, classes);
      std::vector<cv::Mat> planes;
      cv::split(masks, planes);
      bool agree = true;
      for (size_t k = 0; k < classes.size(); ++k) agree = agree && ((cv::countNonZero(planes[k]) == 0) == entry.absent[k]);
      if (!agree) {
        ++summary.disagreeing;
        continue;
      }
    }
    for (size_t k = 0; k < classes.size(); ++k) summary.selected_with_class[k] += entry.absent[k] ? 0 : 1;
    selected.push_back(std::move(entry));
  }
  summary.selected = selected.size();
  if (selected.empty()) {
    throw DataError(fmt::format("no image of {} is confident (every class below {} or above {}); nothing to write",
                                request.predictions.string(), request.low, request.high));
  }
  const PseudoLabelledDataset labelled(source, request, classes, std::move(selected));
  data::PrepareOptions options;
  options.threads = request.threads;
  data::prepare_dataset(labelled, request.out_dir, options);
  return summary;
}

}  // namespace segkit::pipeline
