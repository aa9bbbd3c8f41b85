#pragma once
// Trained models -> per-class probabilities at each image's original resolution.
//
//   auto models = segkit::infer::load_models("runs/steel", options);   // every fold's best model
//   segkit::infer::Predictor predictor(std::move(models), options);
//   predictor.predict_dataset(test_images, [&](const Prediction& p) { write(p.id, p.probabilities); });
//
// For each image: the run's validation preprocessing (augment.val of RUN/config.yaml; ImageNet
// Normalize when the model comes without a run), padding to a multiple of 32 when the size is not
// one, TTA (tta.h) or sliding-window tiling (tiling.h), the mean over the models, the padding that
// augment.val added (PadIfNeeded) cropped off, then bilinear resizing back to the size the image had
// on disk. Probabilities are sigmoids, or softmaxes for multiclass models, and everything averaged
// (TTA, tiles, folds) is a probability. Classifiers (arch: classifier) and classification heads give
// per-class "present" probabilities, TTA-merged and averaged over the models that have them; a
// classifier among segmentation models gates their masks through postprocess cls_threshold.
// Decoding and preprocessing run in loader worker threads while the model computes. Models take the
// BN-folded, channels-last fast path (models::inference_copy) unless asked not to.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "segkit/config/yaml_loader.h"
#include "segkit/core/task_mode.h"
#include "segkit/data/dataset.h"
#include "segkit/infer/tiling.h"
#include "segkit/infer/tta.h"
#include "segkit/models/segmentation_model.h"
#include "segkit/transforms/transform.h"

namespace segkit::infer {

struct PredictorOptions {
  TtaOptions tta{};
  std::optional<TileOptions> tiles{};  ///< set: sliding-window inference instead of whole images
  std::string device = "auto";
  bool fast_path = true;  ///< BatchNorm folded into convolutions, channels-last
  /// The fast path in bf16 or fp16 (CUDA); docs/benchmarks.md has the speed and the Dice cost.
  nn::Precision precision = nn::Precision::kFloat32;
  int workers = 2;        ///< loader threads decoding and preprocessing ahead of the model
  /// Set: probabilities are resized to this size instead of the image's size on disk (the clouds
  /// competition scored masks at 350x525, a quarter of its 1400x2100 images).
  std::optional<cv::Size> output_size{};
};

/// A model ready to predict and the preprocessing it was trained with.
struct LoadedModel {
  models::SegmentationModel model{nullptr};
  /// How its logits become probabilities: sigmoid, or softmax for multiclass. From segkit.json's
  /// `mode`, or from the activation an SMP config.json names (sigmoid: multilabel; softmax,
  /// softmax2d, logsoftmax: multiclass), which is taken out of the model so it applies once.
  TaskMode mode = TaskMode::kMultilabel;
  transforms::TransformPtr preprocess;
  config::json preprocess_config;  ///< the transform list `preprocess` was built from
  std::vector<std::string> class_names;
  std::filesystem::path source;
};

/// `path` is a model directory (config.json + model.safetensors), a run's fold directory (its
/// best/), or a run directory (every fold<k>/best, i.e. the fold ensemble). Throws IoError when
/// nothing loadable is there, ConfigError for an activation that gives no probabilities (tanh,
/// argmax, clamp) or one that contradicts segkit.json's mode.
std::vector<LoadedModel> load_models(const std::filesystem::path& path, const PredictorOptions& options);

struct Prediction {
  std::string id;
  cv::Size size;                       ///< the image's size on disk
  torch::Tensor probabilities;         ///< K x H x W float32 on the CPU, at `size`; undefined with classifiers only
  /// K float32: the mean over the classifiers and classification heads (TTA merged); else undefined.
  torch::Tensor class_probabilities;
};

class Predictor {
 public:
  /// Throws ConfigError when the models disagree on their classes or mode, or the list is empty.
  Predictor(std::vector<LoadedModel> models, PredictorOptions options);

  /// One preprocessed image (C x h x w) -> probabilities resized to `source_size`. `read_size` is
  /// the image's size before preprocessing (empty: `source_size`): padding the preprocessing added
  /// (PadIfNeeded, transforms/placement.h) is cropped off before resizing.
  Prediction predict(const torch::Tensor& image, cv::Size source_size, cv::Size read_size = {}) const;

  /// Streams every image of `dataset` through the models, in dataset order.
  void predict_dataset(const data::DatasetPtr& dataset, const std::function<void(const Prediction&)>& sink) const;

  const std::vector<std::string>& class_names() const { return models_.front().class_names; }
  TaskMode mode() const { return models_.front().mode; }
  /// False when every model is a classifier: predictions then carry class probabilities only.
  bool predicts_masks() const { return predicts_masks_; }

 private:
  std::vector<LoadedModel> models_;
  PredictorOptions options_;
  torch::Device device_{torch::kCPU};
  bool predicts_masks_ = false;
};

}  // namespace segkit::infer
