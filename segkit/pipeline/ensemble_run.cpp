#include "segkit/pipeline/ensemble_run.h"

#include <algorithm>

#include <fmt/format.h>
#include <torch/torch.h>

#include <opencv2/core.hpp>

#include "segkit/core/error.h"
#include "segkit/pipeline/probability_file.h"
#include "segkit/postprocess/postprocess_config.h"
#include "segkit/submit/prediction_dir.h"

namespace segkit::pipeline {
namespace {

namespace fs = std::filesystem;

// K x H x W float32 probabilities of one member for one image, checked against the index.
torch::Tensor read_probabilities(const fs::path& dir, const submit::PredictionImage& image, size_t classes) {
  auto bytes = read_probability_bytes(dir, image, classes, "the mean");
  const auto shape = std::vector<int64_t>{static_cast<int64_t>(classes), image.height, image.width};
  return torch::from_blob(bytes.data(), shape, torch::kUInt8).to(torch::kFloat32) / 255.0;
}

// `other` must list `first`'s classes and images (ids and, with `sizes`, their sizes).
void check_same_images(const fs::path& first_dir, const submit::PredictionIndex& first, const fs::path& dir,
                       const submit::PredictionIndex& other, bool sizes) {
  if (other.classes != first.classes) {
    throw DataError(fmt::format("{} predicts classes [{}] but {} predicts [{}]", dir.string(),
                                fmt::join(other.classes, ", "), first_dir.string(), fmt::join(first.classes, ", ")));
  }
  if (other.images.size() != first.images.size()) {
    throw DataError(fmt::format("{} has {} images but {} has {}", dir.string(), other.images.size(),
                                first_dir.string(), first.images.size()));
  }
  for (size_t i = 0; i < first.images.size(); ++i) {
    const auto& a = first.images[i];
    const auto& b = other.images[i];
    if (a.id != b.id || (sizes && (a.height != b.height || a.width != b.width))) {
      throw DataError(fmt::format("{}: image {} is '{}' ({}x{}) where {} has '{}' ({}x{})", dir.string(), i, b.id,
                                  b.height, b.width, first_dir.string(), a.id, a.height, a.width));
    }
  }
}

// The members' combination for one image as K-channel CV_8U probabilities, round(p * 255); a vote
// is 0 or 255. The mean is also saved as the output's probabilities, with `labels` when known.
cv::Mat combine(const EnsembleRequest& request, const submit::PredictionImage& image,
                const std::vector<std::string>& classes, double total_weight,
                const std::optional<std::vector<float>>& class_probabilities) {
  cv::Mat combined;
  if (request.method == "mean") {
    torch::Tensor sum;
    for (const auto& member : request.members) {
      const auto probabilities = read_probabilities(member.dir, image, classes.size()) * member.weight;
      sum = sum.defined() ? sum + probabilities : probabilities;
    }
    const auto bytes = probability_bytes(sum / total_weight);
    write_probabilities(request.out_dir, image.stem, image.id, bytes,
                        class_probabilities ? torch::tensor(*class_probabilities) : torch::Tensor());
    std::vector<cv::Mat> planes;
    for (int64_t k = 0; k < bytes.size(0); ++k) {
      planes.push_back(cv::Mat(image.height, image.width, CV_8U, bytes[k].data_ptr<uint8_t>()).clone());
    }
    cv::merge(planes, combined);
    return combined;
  }
  cv::Mat votes = cv::Mat::zeros(image.height, image.width, CV_64FC(static_cast<int>(classes.size())));
  for (const auto& member : request.members) {
    cv::Mat member_masks;
    submit::read_prediction_masks(member.dir, image, classes).convertTo(member_masks, CV_64F, member.weight);
    votes += member_masks;
  }
  // Compared as one channel (OpenCV compares with a scalar only there): 0 or 255 per value.
  const cv::Mat majority = votes.reshape(1) > total_weight / 2.0;
  return majority.reshape(static_cast<int>(classes.size()));
}

// Per class: the mean of the members' classifier probabilities, when every member has them.
std::optional<std::vector<float>> members_class_probabilities(const EnsembleRequest& request,
                                                              const submit::PredictionImage& image, size_t classes,
                                                              double total_weight) {
  std::vector<float> mean(classes, 0.f);
  for (const auto& member : request.members) {
    const auto labels = read_class_probabilities(member.dir, image.stem, classes);
    if (!labels) return std::nullopt;
    for (size_t k = 0; k < classes; ++k) mean[k] += static_cast<float>(member.weight / total_weight) * (*labels)[k];
  }
  return mean;
}

// Multiclass: the class of the highest mean probability, as labels and per-class masks.
submit::PredictionImage write_argmax(const fs::path& dir, const std::string& id, const cv::Mat& probabilities,
                                     const std::vector<std::string>& classes) {
  cv::Mat labels(probabilities.rows, probabilities.cols, CV_8U);
  const int k_count = probabilities.channels();
  for (int y = 0; y < probabilities.rows; ++y) {
    const uint8_t* row = probabilities.ptr<uint8_t>(y);
    uint8_t* out = labels.ptr<uint8_t>(y);
    for (int x = 0; x < probabilities.cols; ++x) {
      const uint8_t* pixel = row + static_cast<ptrdiff_t>(x) * k_count;
      out[x] = static_cast<uint8_t>(std::max_element(pixel, pixel + k_count) - pixel);
    }
  }
  cv::Mat masks;
  cv::merge(submit::label_planes(labels, classes.size()), masks);
  submit::write_prediction_labels(dir, id, labels, classes);
  return submit::write_prediction_masks(dir, id, masks, classes);
}

}  // namespace

size_t ensemble_predictions(const EnsembleRequest& request) {
  const bool gated = request.emptiness || request.classifier;
  if (request.members.size() < (gated ? 1u : 2u)) {
    throw ConfigError("an ensemble needs at least two prediction directories (one with --empty-from or --classifier)");
  }
  if (request.method != "mean" && request.method != "vote") {
    throw ConfigError("ensemble method '" + request.method + "' is unknown; valid: mean, vote");
  }
  double total_weight = 0;
  std::vector<fs::path> dirs;
  for (const auto& member : request.members) {
    if (!(member.weight > 0)) throw ConfigError(fmt::format("{}: weight must be > 0", member.dir.string()));
    total_weight += member.weight;
    dirs.push_back(member.dir);
  }
  // The gates must cover the same images and classes as the members (a classifier's: any size).
  if (request.emptiness) dirs.push_back(*request.emptiness);
  std::vector<submit::PredictionIndex> indexes;
  for (size_t i = 0; i < dirs.size(); ++i) {
    indexes.push_back(submit::read_prediction_index(dirs[i]));
    submit::require_masks(indexes[i], dirs[i], i < request.members.size() ? "an ensemble member" : "--empty-from");
    check_same_images(dirs.front(), indexes.front(), dirs[i], indexes[i], /*sizes=*/true);
  }
  if (request.classifier) {
    check_same_images(dirs.front(), indexes.front(), *request.classifier,
                      submit::read_prediction_index(*request.classifier), /*sizes=*/false);
  }
  const auto& classes = indexes.front().classes;
  const bool multiclass = indexes.front().mode == TaskMode::kMulticlass;
  for (size_t i = 1; i < indexes.size(); ++i) {
    if ((indexes[i].mode == TaskMode::kMulticlass) != multiclass) {
      throw DataError(fmt::format("{} holds {} predictions but {} holds {}", dirs[i].string(),
                                  task_mode_name(indexes[i].mode), dirs.front().string(),
                                  task_mode_name(indexes.front().mode)));
    }
  }
  if (multiclass && (request.method != "mean" || gated || request.postprocess)) {
    throw ConfigError("multiclass predictions are ensembled by the mean of their softmax probabilities, then the "
                      "argmax: method mean, without --postprocess, --empty-from or --classifier");
  }
  postprocess::PostprocessConfig post;
  if (request.postprocess) post = postprocess::read_postprocess_config(*request.postprocess, classes);

  fs::create_directories(request.out_dir);
  fs::remove(request.out_dir / "index.json");
  submit::PredictionIndex index{classes, {}, indexes.front().mode};
  for (const auto& image : indexes.front().images) {
    const auto class_probabilities =
        request.classifier ? read_class_probabilities(*request.classifier, image.stem, classes.size())
                           : members_class_probabilities(request, image, classes.size(), total_weight);
    if (request.classifier && !class_probabilities) {
      throw DataError(fmt::format("{}: image '{}' has no classifier probabilities (`labels`: a model with a "
                                  "classification head, predicted with --save probs|both)",
                                  request.classifier->string(), image.id));
    }
    const cv::Mat combined = combine(request, image, classes, total_weight, class_probabilities);
    if (multiclass) {
      index.images.push_back(write_argmax(request.out_dir, image.id, combined, classes));
      continue;
    }
    cv::Mat seg1;
    if (request.emptiness) seg1 = submit::read_prediction_masks(*request.emptiness, image, classes);
    std::vector<cv::Mat> planes, seg1_planes;
    cv::split(combined, planes);
    if (!seg1.empty()) cv::split(seg1, seg1_planes);
    for (size_t k = 0; k < classes.size(); ++k) {
      std::optional<double> class_probability;
      if (class_probabilities) class_probability = (*class_probabilities)[k];
      planes[k] = postprocess::apply_postprocess(planes[k], post.for_class(classes[k]), class_probability);
      if (!seg1.empty() && cv::countNonZero(seg1_planes[k]) == 0) planes[k].setTo(0);
    }
    cv::Mat masks;
    cv::merge(planes, masks);
    index.images.push_back(submit::write_prediction_masks(request.out_dir, image.id, masks, classes));
  }
  submit::write_prediction_index(request.out_dir, index);
  return index.images.size();
}

}  // namespace segkit::pipeline
