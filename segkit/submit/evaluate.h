#pragma once
// Scores predicted masks against a ground-truth dataset, torch-free (cv::Mat counts), one image at a
// time. The scores, as the Kaggle pipelines report them:
//   dice       Kaggle's mean Dice over every (image, class) pair, 1 where both masks are empty
//   dice_pos   mean over images with any truth of the Dice of all their classes' pixels together
//   dice_neg   mean over images without truth: 1 when nothing is predicted, else 0
//   per class  Dice 2TP/(2TP+FP+FN) and IoU TP/(TP+FP+FN) with pixels pooled over images (1 when
//              the class is empty in both everywhere)
// A mean over no images (no positive or no negative image) is reported as 1.
//
// Multiclass (TaskMode::kMulticlass: one class per pixel, truth pixels of no class are void and
// skipped) scores from the dataset's confusion matrix (core/confusion_matrix.h) instead: per-class
// Dice and IoU (NaN for a class in neither truth nor prediction), mean_iou over the classes where
// IoU is defined, pixel_accuracy; `dice` is then the mean per-class Dice and dice_pos/dice_neg are
// not computed.
//
//   auto truth = data::build_dataset(config.at("data"), base);
//   auto result = evaluate(*truth, *open_prediction_dir("pred"));
//   std::printf("%.4f\n", result.dice);

#include <nlohmann/json.hpp>
#include <opencv2/core/mat.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "segkit/core/confusion_matrix.h"
#include "segkit/core/task_mode.h"
#include "segkit/data/dataset.h"
#include "segkit/submit/submission_format.h"

namespace segkit::submit {

/// Predicted masks by image id, at the truth's size.
class Predictions {
 public:
  virtual ~Predictions() = default;
  virtual const std::vector<std::string>& classes() const = 0;
  /// The predicted images, as the predictions name them.
  virtual std::vector<std::string> ids() const = 0;
  /// How the predictions name the dataset image `truth_id` (siim submissions drop the extension).
  virtual std::string prediction_id(const std::string& truth_id) const = 0;
  /// H x W x K CV_8U 0/1. ShapeError when a prediction directory holds another size.
  virtual cv::Mat masks(const std::string& prediction_id, int height, int width) const = 0;
  /// What the predictions say they are (a prediction directory's index.json); submissions say nothing.
  virtual TaskMode mode() const { return TaskMode::kMultilabel; }
};

std::unique_ptr<Predictions> open_prediction_dir(const std::filesystem::path& dir);
/// Classes come from the truth (a submission does not name them all).
std::unique_ptr<Predictions> open_submission(const std::filesystem::path& csv, SubmissionFormat format,
                                             const std::vector<std::string>& classes);

struct ClassScore {
  std::string name{};
  double dice = 0.0;
  double iou = 0.0;
  int64_t true_positive = 0;
  int64_t false_positive = 0;
  int64_t false_negative = 0;
  size_t truth_images = 0;      // images with any truth pixel of this class
  size_t predicted_images = 0;  // images with any predicted pixel of this class
};

struct Evaluation {
  double dice = 0.0;
  double dice_pos = 0.0;
  double dice_neg = 0.0;
  size_t images = 0;
  size_t positive_images = 0;
  size_t negative_images = 0;
  size_t pairs = 0;        // (image, class) pairs
  size_t empty_pairs = 0;  // of which the truth is empty
  std::vector<ClassScore> classes{};
  TaskMode mode = TaskMode::kMultilabel;
  double mean_iou = 0.0;        // multiclass
  double pixel_accuracy = 0.0;  // multiclass
  ConfusionMatrix confusion{};  // multiclass: rows truth, columns prediction
};

/// DataError naming the id when an image is on one side only (or, multiclass, a pixel has no or
/// several predicted classes); ConfigError when the class lists differ.
Evaluation evaluate(const data::Dataset& truth, const Predictions& predictions,
                    TaskMode mode = TaskMode::kMultilabel);

nlohmann::ordered_json to_json(const Evaluation& evaluation);

}  // namespace segkit::submit
