#include "segkit/submit/evaluate.h"

#include <opencv2/core.hpp>

#include <unordered_map>
#include <unordered_set>

#include "segkit/core/error.h"
#include "segkit/core/strings.h"
#include "segkit/submit/prediction_dir.h"

namespace segkit::submit {
namespace fs = std::filesystem;

namespace {

class DirPredictions : public Predictions {
 public:
  explicit DirPredictions(fs::path dir) : dir_(std::move(dir)), index_(read_prediction_index(dir_)) {
    require_masks(index_, dir_, "evaluate");
    for (size_t i = 0; i < index_.images.size(); ++i) by_id_.emplace(index_.images[i].id, i);
  }
  const std::vector<std::string>& classes() const override { return index_.classes; }
  std::vector<std::string> ids() const override {
    std::vector<std::string> out;
    for (const auto& image : index_.images) out.push_back(image.id);
    return out;
  }
  std::string prediction_id(const std::string& truth_id) const override { return truth_id; }
  TaskMode mode() const override { return index_.mode; }
  cv::Mat masks(const std::string& id, int height, int width) const override {
    const auto& image = index_.images.at(by_id_.at(id));
    if (image.height != height || image.width != width)
      throw ShapeError((dir_ / "index.json").string() + ": '" + id + "' is predicted at " + std::to_string(image.height) +
                       "x" + std::to_string(image.width) + " but its truth is " + std::to_string(height) + "x" +
                       std::to_string(width));
    return read_prediction_masks(dir_, image, index_.classes);
  }

 private:
  fs::path dir_;
  PredictionIndex index_;
  std::unordered_map<std::string, size_t> by_id_;
};

class CsvPredictions : public Predictions {
 public:
  CsvPredictions(const fs::path& csv, SubmissionFormat format, const std::vector<std::string>& classes)
      : file_(read_submission(csv, format, classes)) {}
  const std::vector<std::string>& classes() const override { return file_.classes; }
  std::vector<std::string> ids() const override { return file_.image_keys; }
  std::string prediction_id(const std::string& truth_id) const override {
    return submission_image_key(file_.format, truth_id);
  }
  cv::Mat masks(const std::string& id, int height, int width) const override { return file_.decode(id, height, width); }

 private:
  SubmissionFile file_;
};

double ratio(double numerator, double denominator) { return denominator == 0.0 ? 1.0 : numerator / denominator; }

// The class of each pixel of an H x W x K one-hot mask: -1 where no channel is set, -2 where several are.
cv::Mat labels_of(const cv::Mat& masks) {
  cv::Mat labels(masks.rows, masks.cols, CV_32S, cv::Scalar(-1));
  const int classes = masks.channels();
  for (int y = 0; y < masks.rows; ++y) {
    const uint8_t* row = masks.ptr<uint8_t>(y);
    int* out = labels.ptr<int>(y);
    for (int x = 0; x < masks.cols; ++x) {
      for (int k = 0; k < classes; ++k) {
        if (row[x * classes + k] == 0) continue;
        out[x] = out[x] == -1 ? k : -2;
      }
    }
  }
  return labels;
}

void evaluate_multiclass(const data::Dataset& truth, const Predictions& predictions, Evaluation& result) {
  const auto classes = static_cast<int64_t>(result.classes.size());
  result.confusion = ConfusionMatrix(classes);
  for (size_t i = 0; i < truth.size(); ++i) {
    const data::Sample sample = truth.get(i);
    if (!sample.has_mask()) throw DataError("image '" + sample.id + "' of the dataset has no ground-truth mask");
    const cv::Mat truth_labels = labels_of(sample.mask);
    const cv::Mat predicted = labels_of(predictions.masks(predictions.prediction_id(sample.id), sample.mask.rows, sample.mask.cols));
    ConfusionMatrix image(classes);
    for (int y = 0; y < truth_labels.rows; ++y) {
      for (int x = 0; x < truth_labels.cols; ++x) {
        const int t = truth_labels.at<int>(y, x), p = predicted.at<int>(y, x);
        if (p < 0) {
          throw DataError("prediction '" + sample.id + "', pixel (" + std::to_string(x) + ", " + std::to_string(y) +
                          ") has " + (p == -1 ? "no" : "several") +
                          " classes; multiclass evaluation needs one class per pixel (predict with a multiclass model)");
        }
        if (t == -2) {
          throw DataError("image '" + sample.id + "', pixel (" + std::to_string(x) + ", " + std::to_string(y) +
                          ") has several true classes; multiclass data has one class per pixel");
        }
        if (t >= 0) image.add(t, p);  // void truth counts nowhere
      }
    }
    for (int64_t k = 0; k < classes; ++k) {
      result.classes[static_cast<size_t>(k)].truth_images += image.truth_pixels(k) > 0;
      result.classes[static_cast<size_t>(k)].predicted_images += image.predicted_pixels(k) > 0;
    }
    result.confusion.add(image);
  }
  for (int64_t k = 0; k < classes; ++k) {
    auto& score = result.classes[static_cast<size_t>(k)];
    score.true_positive = result.confusion.count(k, k);
    score.false_positive = result.confusion.predicted_pixels(k) - score.true_positive;
    score.false_negative = result.confusion.truth_pixels(k) - score.true_positive;
    score.dice = result.confusion.dice(k);
    score.iou = result.confusion.iou(k);
  }
  result.images = truth.size();
  result.pairs = result.images * static_cast<size_t>(classes);
  result.dice = result.confusion.mean_dice();
  result.mean_iou = result.confusion.mean_iou();
  result.pixel_accuracy = result.confusion.pixel_accuracy();
}

}  // namespace

std::unique_ptr<Predictions> open_prediction_dir(const fs::path& dir) { return std::make_unique<DirPredictions>(dir); }

std::unique_ptr<Predictions> open_submission(const fs::path& csv, SubmissionFormat format,
                                             const std::vector<std::string>& classes) {
  return std::make_unique<CsvPredictions>(csv, format, classes);
}

Evaluation evaluate(const data::Dataset& truth, const Predictions& predictions, TaskMode mode) {
  const auto& names = truth.class_names();
  if (names != predictions.classes())
    throw ConfigError("the predictions' classes (" + join(predictions.classes(), ", ") +
                      ") differ from the dataset's (" + join(names, ", ") + ")");
  const size_t classes = names.size();
  std::unordered_set<std::string> predicted;
  for (const auto& id : predictions.ids()) predicted.insert(id);
  std::unordered_set<std::string> wanted;
  for (size_t i = 0; i < truth.size(); ++i) {
    const std::string id = predictions.prediction_id(truth.id(i));
    if (!predicted.count(id)) throw DataError("image '" + truth.id(i) + "' of the dataset has no prediction");
    wanted.insert(id);
  }
  for (const auto& id : predictions.ids())
    if (!wanted.count(id)) throw DataError("prediction '" + id + "' is not an image of the dataset");

  Evaluation result;
  result.mode = mode;
  result.classes.resize(classes);
  for (size_t c = 0; c < classes; ++c) result.classes[c].name = names[c];
  if (mode == TaskMode::kMulticlass) {
    evaluate_multiclass(truth, predictions, result);
    return result;
  }
  double dice_sum = 0.0, pos_sum = 0.0, neg_sum = 0.0;
  std::vector<cv::Mat> truth_planes, pred_planes;
  cv::Mat both;
  for (size_t i = 0; i < truth.size(); ++i) {
    const data::Sample sample = truth.get(i);
    if (!sample.has_mask()) throw DataError("image '" + sample.id + "' of the dataset has no ground-truth mask");
    const cv::Mat pred = predictions.masks(predictions.prediction_id(sample.id), sample.mask.rows, sample.mask.cols);
    cv::split(sample.mask, truth_planes);
    cv::split(pred, pred_planes);
    int64_t image_truth = 0, image_pred = 0, image_both = 0;
    for (size_t c = 0; c < classes; ++c) {
      cv::bitwise_and(truth_planes[c] != 0, pred_planes[c] != 0, both);
      const int64_t t = cv::countNonZero(truth_planes[c]);
      const int64_t p = cv::countNonZero(pred_planes[c]);
      const int64_t tp = cv::countNonZero(both);
      auto& score = result.classes[c];
      score.true_positive += tp;
      score.false_positive += p - tp;
      score.false_negative += t - tp;
      score.truth_images += t > 0;
      score.predicted_images += p > 0;
      dice_sum += ratio(2.0 * tp, static_cast<double>(t + p));
      result.empty_pairs += t == 0;
      image_truth += t;
      image_pred += p;
      image_both += tp;
    }
    if (image_truth == 0) {
      ++result.negative_images;
      neg_sum += image_pred == 0 ? 1.0 : 0.0;
    } else {
      ++result.positive_images;
      pos_sum += 2.0 * image_both / static_cast<double>(image_truth + image_pred);
    }
  }
  result.images = truth.size();
  result.pairs = result.images * classes;
  result.dice = ratio(dice_sum, static_cast<double>(result.pairs));
  result.dice_pos = ratio(pos_sum, static_cast<double>(result.positive_images));
  result.dice_neg = ratio(neg_sum, static_cast<double>(result.negative_images));
  for (auto& score : result.classes) {
    const double tp = static_cast<double>(score.true_positive);
    const double errors = static_cast<double>(score.false_positive + score.false_negative);
    score.dice = ratio(2.0 * tp, 2.0 * tp + errors);
    score.iou = ratio(tp, tp + errors);
  }
  return result;
}

nlohmann::ordered_json to_json(const Evaluation& evaluation) {
  nlohmann::ordered_json out;
  out["mode"] = task_mode_name(evaluation.mode);
  out["dice"] = evaluation.dice;
  if (evaluation.mode == TaskMode::kMulticlass) {
    out["mean_iou"] = evaluation.mean_iou;
    out["pixel_accuracy"] = evaluation.pixel_accuracy;
  } else {
    out["dice_pos"] = evaluation.dice_pos;
    out["dice_neg"] = evaluation.dice_neg;
  }
  out["images"] = evaluation.images;
  out["positive_images"] = evaluation.positive_images;
  out["negative_images"] = evaluation.negative_images;
  out["pairs"] = evaluation.pairs;
  out["empty_pairs"] = evaluation.empty_pairs;
  auto& classes = out["classes"] = nlohmann::ordered_json::array();
  for (const auto& score : evaluation.classes) {
    classes.push_back({{"name", score.name}, {"dice", score.dice}, {"iou", score.iou},
                       {"true_positive", score.true_positive}, {"false_positive", score.false_positive},
                       {"false_negative", score.false_negative}, {"truth_images", score.truth_images},
                       {"predicted_images", score.predicted_images}});
  }
  if (evaluation.mode == TaskMode::kMulticlass) out["confusion_matrix"] = evaluation.confusion.to_json();
  return out;
}

}  // namespace segkit::submit
