#include "segkit/infer/predictor.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/loader/data_loader.h"
#include "segkit/models/hub_format.h"
#include "segkit/models/inference_copy.h"
#include "segkit/nn/mixed_precision.h"
#include "segkit/nn/runtime.h"
#include "segkit/nn/task_outputs.h"
#include "segkit/transforms/placement.h"
#include "segkit/transforms/transform_registry.h"

namespace segkit::infer {
namespace {

namespace fs = std::filesystem;
namespace F = torch::nn::functional;

bool is_model_dir(const fs::path& dir) { return fs::exists(dir / "config.json") && fs::exists(dir / "model.safetensors"); }

std::vector<fs::path> model_dirs(const fs::path& path) {
  if (is_model_dir(path)) return {path};
  if (is_model_dir(path / "best")) return {path / "best"};
  std::vector<fs::path> folds;
  if (fs::is_directory(path)) {
    for (const auto& entry : fs::directory_iterator(path)) {
      const auto name = entry.path().filename().string();
      if (name.rfind("fold", 0) == 0 && is_model_dir(entry.path() / "best")) folds.push_back(entry.path() / "best");
    }
  }
  std::sort(folds.begin(), folds.end());
  if (folds.empty()) {
    throw IoError(fmt::format("{}: no model here (expected config.json + model.safetensors, best/, or fold*/best/)",
                              path.string()));
  }
  return folds;
}

// What the activation a config.json names says about the outputs; nullopt for none.
std::optional<TaskMode> mode_of_activation(const std::string& activation, const fs::path& dir) {
  if (activation.empty()) return std::nullopt;
  if (activation == "sigmoid") return TaskMode::kMultilabel;
  // softmax(log_softmax(x)) = softmax(x): the logits' softmax is the probability either way.
  if (activation == "softmax" || activation == "softmax2d" || activation == "logsoftmax") return TaskMode::kMulticlass;
  throw ConfigError(fmt::format("{}: activation '{}' gives no class probabilities to average or threshold; predict "
                                "supports sigmoid, softmax, softmax2d, logsoftmax or none",
                                (dir / "config.json").string(), activation));
}

// Class outputs (a classification head, a classifier) are used as "class present" probabilities.
void require_class_sigmoid(const std::string& activation, const char* what, const fs::path& dir) {
  if (activation.empty() || activation == "sigmoid") return;
  throw ConfigError(fmt::format("{}: {} '{}': class outputs are used as \"class present\" probabilities (sigmoid); "
                                "use sigmoid or none",
                                (dir / "config.json").string(), what, activation));
}

LoadedModel load_model(const fs::path& dir, const PredictorOptions& options) {
  LoadedModel loaded;
  loaded.source = dir;
  auto logits = models::from_pretrained_logits(dir);
  auto model = logits.model;
  require_class_sigmoid(logits.aux_activation, "aux_params.activation", dir);
  if (model->is_classifier()) require_class_sigmoid(logits.activation, "a classifier's activation", dir);
  const auto activation_mode = mode_of_activation(logits.activation, dir);
  model->eval();
  // On its device before the fast copy is made: what precision can run depends on it.
  model->to(torch::Device(nn::resolve_device(options.device)));
  loaded.model = options.fast_path ? models::inference_copy(*model, {true, true, options.precision}) : model;
  const auto classes = model->config().value("classes", 1);
  config::json preprocess = config::json::array({"Normalize"});
  if (fs::exists(dir / "segkit.json")) {
    const auto card = config::json::parse(read_file(dir / "segkit.json"));
    loaded.class_names = card.at("classes").get<std::vector<std::string>>();
    preprocess = card.at("preprocess");
    if (card.contains("mode")) {
      loaded.mode = parse_task_mode(card.at("mode").get<std::string>(), (dir / "segkit.json").string() + ": mode");
    }
    const bool exclusive = loaded.mode == TaskMode::kMulticlass;
    if (activation_mode && card.contains("mode") && (*activation_mode == TaskMode::kMulticlass) != exclusive) {
      throw ConfigError(fmt::format("{}: mode {} but config.json's activation is '{}'", (dir / "segkit.json").string(),
                                    task_mode_name(loaded.mode), logits.activation));
    }
  }
  if (activation_mode) loaded.mode = *activation_mode;
  if (loaded.class_names.empty()) {
    for (int k = 0; k < classes; ++k) loaded.class_names.push_back(fmt::format("class{}", k));
  }
  loaded.preprocess = transforms::build_pipeline(preprocess, (dir / "segkit.json").string() + ": preprocess");
  loaded.preprocess_config = preprocess;
  return loaded;
}

// Encoders halve the size five times: pad (reflect) to a multiple of 32, crop the output back.
torch::Tensor pad_to_stride(const torch::Tensor& batch, int64_t stride = 32) {
  const int64_t pad_h = (stride - batch.size(2) % stride) % stride, pad_w = (stride - batch.size(3) % stride) % stride;
  if (pad_h == 0 && pad_w == 0) return batch;
  return F::pad(batch, F::PadFuncOptions({0, pad_w, 0, pad_h}).mode(torch::kReflect));
}

}  // namespace

std::vector<LoadedModel> load_models(const fs::path& path, const PredictorOptions& options) {
  std::vector<LoadedModel> models;
  for (const auto& dir : model_dirs(path)) models.push_back(load_model(dir, options));
  return models;
}

Predictor::Predictor(std::vector<LoadedModel> models, PredictorOptions options)
    : models_(std::move(models)), options_(std::move(options)), device_(nn::resolve_device(options_.device)) {
  if (models_.empty()) throw ConfigError("Predictor needs at least one model");
  nn::configure_device(device_, /*cudnn_benchmark=*/true);  // cuDNN tunes once per image size
  for (const auto& loaded : models_) {
    if ((loaded.mode == TaskMode::kMulticlass) != (models_.front().mode == TaskMode::kMulticlass)) {
      throw ConfigError(fmt::format("{} is {} but {} is {}; an ensemble averages one kind of probability",
                                    loaded.source.string(), task_mode_name(loaded.mode),
                                    models_.front().source.string(), task_mode_name(models_.front().mode)));
    }
    if (loaded.class_names != models_.front().class_names) {
      throw ConfigError(fmt::format("{} predicts classes [{}] but {} predicts [{}]; ensemble models must agree",
                                    loaded.source.string(), fmt::join(loaded.class_names, ", "),
                                    models_.front().source.string(), fmt::join(models_.front().class_names, ", ")));
    }
    loaded.model->to(device_);
    predicts_masks_ = predicts_masks_ || !loaded.model->is_classifier();
  }
  if (mode() == TaskMode::kMulticlass && std::any_of(models_.begin(), models_.end(), [](const LoadedModel& loaded) {
        return loaded.model->is_classifier();
      })) {
    throw ConfigError("a classifier gates multi-label masks by class; the segmentation models here are multiclass");
  }
}

Prediction Predictor::predict(const torch::Tensor& image, cv::Size source_size, cv::Size read_size) const {
  c10::InferenceMode inference;
  const auto input = image.unsqueeze(0).to(device_);
  const int64_t height = input.size(2), width = input.size(3);
  torch::Tensor sum, class_sum;
  int64_t segmenters = 0, classifiers = 0;
  const auto add_labels = [&](const torch::Tensor& labels) {
    class_sum = class_sum.defined() ? class_sum + labels : labels;
    ++classifiers;
  };
  for (const auto& loaded : models_) {
    auto& model = *loaded.model;
    if (model.is_classifier()) {
      add_labels(predict_tta_labels([&](const torch::Tensor& x) { return torch::sigmoid(model.forward(x)); }, input,
                                    options_.tta));
      continue;
    }
    // A classification head's outputs are kept from the very passes that give the masks (whole
    // images); tiles see parts of the image, so there the head gets passes of its own.
    const bool head = model.has_classification_head();
    std::optional<TtaMerger> pass_labels;
    if (head && !options_.tiles) pass_labels.emplace(options_.tta.merge);
    const PredictFn forward = [&](const torch::Tensor& x) {
      const auto output = model.forward_with_aux(pad_to_stride(x), pass_labels.has_value());
      if (pass_labels) pass_labels->add(torch::sigmoid(output.labels));
      return nn::output_probabilities(output.masks, loaded.mode).slice(2, 0, x.size(2)).slice(3, 0, x.size(3));
    };
    const PredictFn with_tta = [&](const torch::Tensor& x) { return predict_tta(forward, x, options_.tta); };
    const auto probabilities = options_.tiles ? predict_tiled(with_tta, input[0], *options_.tiles).unsqueeze(0)
                                              : with_tta(input);
    sum = sum.defined() ? sum + probabilities : probabilities;
    ++segmenters;
    if (pass_labels) {
      add_labels(pass_labels->result());
    } else if (head) {
      add_labels(predict_tta_labels(
          [&](const torch::Tensor& x) { return torch::sigmoid(model.forward_with_aux(pad_to_stride(x)).labels); },
          input, options_.tta));
    }
  }
  Prediction prediction;
  prediction.size = source_size;
  if (class_sum.defined()) prediction.class_probabilities = (class_sum[0] / static_cast<double>(classifiers)).to(torch::kCPU);
  if (segmenters == 0) return prediction;
  auto mean = sum / static_cast<double>(segmenters);
  // Padding added by the preprocessing (SMP's PadIfNeeded to a multiple of 32) is cut off, not
  // squeezed into the image by the resize below.
  if (read_size.empty()) read_size = source_size;
  const auto placement = transforms::content_placement(*models_.front().preprocess, read_size);
  if (placement && placement->output == cv::Size(static_cast<int>(width), static_cast<int>(height))) {
    const cv::Rect content(cv::Point(static_cast<int>(std::lround(placement->content.x)),
                                     static_cast<int>(std::lround(placement->content.y))),
                           cv::Point(static_cast<int>(std::lround(placement->content.br().x)),
                                     static_cast<int>(std::lround(placement->content.br().y))));
    if (content.width > 0 && content.height > 0 && content.size() != placement->output) {
      mean = mean.slice(2, content.y, content.y + content.height).slice(3, content.x, content.x + content.width);
    }
  }
  if (mean.size(2) != source_size.height || mean.size(3) != source_size.width) {
    mean = F::interpolate(mean, F::InterpolateFuncOptions()
                                    .size(std::vector<int64_t>{source_size.height, source_size.width})
                                    .mode(torch::kBilinear)
                                    .align_corners(false));
  }
  prediction.probabilities = mean[0].to(torch::kCPU).contiguous();
  return prediction;
}

void Predictor::predict_dataset(const data::DatasetPtr& dataset, const std::function<void(const Prediction&)>& sink) const {
  loader::LoaderOptions options;
  options.batch_size = 1;  // images keep their own sizes
  options.workers = options_.workers;
  loader::DataLoader images(dataset, models_.front().preprocess, options);
  images.start_epoch(0);
  while (auto batch = images.next()) {
    auto prediction =
        predict(batch->images[0], options_.output_size.value_or(batch->source_sizes[0]), batch->source_sizes[0]);
    prediction.id = batch->ids[0];
    sink(prediction);
  }
}

}  // namespace segkit::infer
