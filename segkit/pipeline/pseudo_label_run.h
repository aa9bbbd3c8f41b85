#pragma once
// `segkit pseudo-label` as a library call: the test images a model is sure about become a labelled
// dataset that training mixes in (config `pseudo_labels:`, docs/pipeline.md).
//
// An image is selected when every class is confident: its probability is below `low` (surely absent)
// or above `high` (surely present). A class's probability is the classifier's (`labels` in the
// probability files of `classifier`, else of `predictions`, i.e. a classification head), or, without
// one, the peak pixel probability of the class's map. Selected images are written in the prepared
// format (prepared_dataset.h) at their original size with
//   hard labels  the predicted masks (masks/<stem>/<class>.png), or
//   soft labels  the probabilities (probabilities/<stem>.safetensors) as CV_32F soft masks,
// and a class that is surely absent gets an empty mask either way.
//
// With `agree` (the clouds two-stage pipeline as published, on its final predictions), the class
// probabilities must also agree with the masks of `predictions`: a surely absent class must have an
// empty mask and a surely present one a non-empty mask; an image where they disagree on any class is
// not selected.
//
//   PseudoLabelRequest request;
//   request.predictions = "pred_test"; request.input = "test_images"; request.out_dir = "pseudo";
//   auto summary = pseudo_label(request);

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace segkit::pipeline {

struct PseudoLabelRequest {
  std::filesystem::path predictions{};  ///< `segkit predict` output for the images
  std::filesystem::path input{};        ///< the images it predicted: a folder or a config (image_source.h)
  std::filesystem::path out_dir{};
  std::optional<std::filesystem::path> classifier{};  ///< prediction directory whose files carry `labels`
  double low = 0.3;
  double high = 0.7;
  bool soft = false;
  bool agree = false;  ///< also require the masks to agree with the class probabilities
  int threads = 0;  ///< 0: all cores
};

struct PseudoLabelSummary {
  size_t images = 0;
  size_t selected = 0;
  std::vector<std::string> classes{};
  std::vector<size_t> selected_with_class{};  ///< per class: selected images whose label is not empty
  /// With `agree`: images every class of which was confident but whose masks disagreed.
  size_t disagreeing = 0;
};

/// Throws ConfigError for thresholds outside 0 <= low <= high <= 1, DataError when the predictions,
/// classifier and images disagree (naming the image) or a needed file is missing, and DataError when
/// no image is selected (an empty dataset would only fail later, in training).
PseudoLabelSummary pseudo_label(const PseudoLabelRequest& request);

}  // namespace segkit::pipeline
