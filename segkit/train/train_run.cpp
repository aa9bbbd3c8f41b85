#include "segkit/train/train_run.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>

#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/core/logging.h"
#include "segkit/core/strings.h"
#include "segkit/data/concat_dataset.h"
#include "segkit/data/dataset_factory.h"
#include "segkit/data/folds.h"
#include "segkit/loader/data_loader.h"
#include "segkit/loader/sampler.h"
#include "segkit/io/safetensors.h"
#include "segkit/losses/loss_registry.h"
#include "segkit/models/hub_format.h"
#include "segkit/models/model_registry.h"
#include "segkit/nn/batchnorm.h"
#include "segkit/nn/machine.h"
#include "segkit/nn/runtime.h"
#include "segkit/nn/task_outputs.h"
#include "segkit/nn/tensor_io.h"
#include "segkit/transforms/transform_registry.h"
#include "segkit/train/config_check.h"
#include "segkit/train/run_record.h"
#include "segkit/train/trainer.h"

namespace segkit::train {
namespace {

namespace fs = std::filesystem;

// model.classes follows the dataset unless the config states it; a stated count that disagrees
// with the dataset is an error rather than a silently wrong head.
config::json model_section(const config::Config& config, const data::Dataset* dataset_or_null, TaskMode mode) {
  config::json section = config.at("model");
  section.erase("mode");  // segkit's, not SMP constructor arguments
  section.erase("weights");
  // The head must give logits: the losses take logits, and prediction applies the mode's activation.
  if (const auto activation = section.find("activation");
      activation != section.end() && !activation->is_null() && *activation != "identity" && *activation != "") {
    throw ConfigError(fmt::format("{}model.activation is {}: training needs logits (the losses apply sigmoid or "
                                  "softmax themselves, and predict applies the one model.mode implies); remove it",
                                  config.where("model.activation"), activation->dump()));
  }
  if (is_classifier_config(config) && mode == TaskMode::kMulticlass) {
    throw ConfigError(fmt::format("{}model.mode is multiclass, but a classifier predicts whether each class is in the "
                                  "image (multi-label, one sigmoid per class); use multilabel",
                                  config.where("model.mode")));
  }
  if (dataset_or_null == nullptr) return section;
  const data::Dataset& dataset = *dataset_or_null;
  const auto classes = static_cast<int64_t>(dataset.class_names().size());
  if (config.locations().count("model.classes") == 0) {
    section["classes"] = classes;
  } else if (section["classes"].get<int64_t>() != classes) {
    throw ConfigError(fmt::format("{}model.classes is {} but the dataset has {} classes ({})", config.where("model.classes"),
                                  section["classes"].get<int64_t>(), classes, fmt::join(dataset.class_names(), ", ")));
  }
  // Likewise in_channels follows the images (SIIM's greyscale PNGs, EM slices): decoding one
  // sample is cheap next to a training run that would otherwise fail at its first step.
  if (config.locations().count("model.in_channels") == 0 && dataset.size() > 0) {
    section["in_channels"] = dataset.get(0).image.channels();
  }
  if (mode == TaskMode::kBinary && section["classes"].get<int64_t>() != 1) {
    throw ConfigError(fmt::format("{}model.mode is binary but there are {} classes; use multilabel or multiclass",
                                  config.where("model.mode"), section["classes"].get<int64_t>()));
  }
  if (mode == TaskMode::kMulticlass && section["classes"].get<int64_t>() < 2) {
    throw ConfigError(fmt::format("{}model.mode is multiclass but there is one class (a softmax over one channel is "
                                  "constant); use binary, or list the background as a class",
                                  config.where("model.mode")));
  }
  return section;
}

// train.channels_last: true, false or auto (channels-last where it is the faster layout).
bool trains_channels_last(const config::Config& config) {
  const auto& value = config.at("train.channels_last");
  if (value.is_boolean()) return value.get<bool>();
  if (value != "auto") {
    throw ConfigError(config.where("train.channels_last") + "train.channels_last must be true, false or auto, got " +
                      value.dump());
  }
  const bool cuda = starts_with(nn::resolve_device(config.get<std::string>("device")), "cuda");
  const bool chosen = cuda || nn::onednn_uses_avx512();
  log::debug("train.channels_last auto: {} ({})", chosen ? "channels-last" : "NCHW",
             cuda ? "CUDA" : (chosen ? "oneDNN runs AVX-512" : "oneDNN runs below AVX-512"));
  return chosen;
}

bool mentions_key(const config::json& value, const std::string& key) {
  if (value.is_object()) {
    for (const auto& [name, item] : value.items()) {
      if (name == key || mentions_key(item, key)) return true;
    }
  }
  if (value.is_array()) {
    for (const auto& item : value) {
      if (mentions_key(item, key)) return true;
    }
  }
  return false;
}

// A multiclass task tells every loss (and every term of a sum) its mode and that void pixels carry
// nn::kVoidIndex; one forward pass on a void pixel proves the loss copes before training starts.
losses::LossPtr build_task_loss(const config::json& section, TaskMode mode, const config::json& model) {
  if (mode != TaskMode::kMulticlass) return losses::build_loss(section);
  if (mentions_key(section, "ignore_index")) {
    throw ConfigError("loss: ignore_index is set, but with model.mode multiclass void pixels (mask values outside "
                      "data.class_values) are ignored by every loss and metric already; remove ignore_index");
  }
  auto loss = losses::build_loss(section, {{"mode", "multiclass"}, {"ignore_index", nn::kVoidIndex}});
  const int64_t classes = model.value("classes", int64_t{2});
  auto target = torch::zeros({1, 2, 2}, torch::kLong);
  target[0][0][0] = nn::kVoidIndex;
  try {
    loss->forward(torch::zeros({1, classes, 2, 2}), target);
  } catch (const Error& error) {
    throw ConfigError(fmt::format("loss: {} cannot train a multiclass model with void pixels: {}", loss->name(),
                                  error.what()));
  }
  return loss;
}

// A classifier's loss compares each class logit with "class present": element-wise losses only.
void check_classifier_loss(const config::Config& config) {
  const auto& loss = config.at("loss");
  const std::string name = loss.is_string() ? loss.get<std::string>() : loss.value("name", std::string());
  const std::vector<std::string> elementwise = {"bce", "soft_bce", "focal"};
  if (std::find(elementwise.begin(), elementwise.end(), name) == elementwise.end()) {
    throw ConfigError(fmt::format("{}loss '{}' scores masks; a classifier's loss compares one logit per class with "
                                  "\"class present\": use {}",
                                  config.where("loss"), name, fmt::join(elementwise, ", ")));
  }
}

loader::LoaderOptions loader_options(const TrainOptions& options, int batch_size, bool training) {
  loader::LoaderOptions out;
  out.batch_size = batch_size;
  out.workers = options.workers;
  out.shuffle = training;
  out.seed = options.seed;
  out.pin_memory = starts_with(nn::resolve_device(options.device), "cuda");
  return out;
}

// Probabilities of the best model on its validation fold (sigmoid, or softmax for multiclass),
// uint8 (p * 255, rounded) per class, beside the 0/1 truth: what `segkit tune` searches thresholds on.
// A classification head's (or a classifier's) class probabilities go beside them as float32 labels.
void save_out_of_fold(models::SegmentationModel& model, loader::DataLoader& val_loader, const std::string& device,
                      TaskMode mode, const fs::path& file) {
  model->to(torch::Device(device));
  model->eval();
  torch::NoGradGuard no_grad;
  // Streamed to disk image by image: a fold's out-of-fold maps can be larger than memory.
  io::SafetensorsStreamWriter writer(file, {{"format", "segkit-oof-v1"}, {"mode", task_mode_name(mode)}});
  const auto add = [&](const std::string& name, const torch::Tensor& values) {
    const auto contiguous = values.contiguous();
    if (contiguous.scalar_type() == torch::kFloat) {
      writer.add({name, io::DType::kF32, contiguous.sizes().vec(), contiguous.data_ptr<float>()});
    } else {
      writer.add({name, io::DType::kU8, contiguous.sizes().vec(), contiguous.data_ptr<uint8_t>()});
    }
  };
  val_loader.start_epoch(0);
  while (auto batch = val_loader.next()) {
    const auto output = model->forward_any_size(batch->images.to(torch::Device(device)), /*with_labels=*/true);
    torch::Tensor bytes, labels;
    if (output.masks.defined()) {
      bytes = (nn::output_probabilities(output.masks, mode).to(torch::kCPU) * 255.0).round().to(torch::kUInt8);
    }
    if (output.labels.defined()) labels = torch::sigmoid(output.labels).to(torch::kCPU, torch::kFloat);
    for (int64_t i = 0; i < batch->size(); ++i) {
      if (bytes.defined()) {
        add("probabilities/" + batch->ids[i], bytes[i]);
        add("masks/" + batch->ids[i], batch->masks[i].round().to(torch::kUInt8));
      }
      if (labels.defined()) add("labels/" + batch->ids[i], labels[i]);
    }
  }
  writer.finish();
}

FoldResult train_fold(const config::Config& config, int fold, const RunRequest& request,
                      const data::DatasetPtr& dataset, const data::DatasetPtr& pseudo_labelled,
                      const std::vector<int>& folds) {
  const TrainOptions options = read_train_options(config);
  std::vector<size_t> train_indices, val_indices;
  for (size_t i = 0; i < folds.size(); ++i) (folds[i] == fold ? val_indices : train_indices).push_back(i);
  if (val_indices.empty() || train_indices.empty()) {
    throw ConfigError(fmt::format("fold {} leaves {} training and {} validation images; check folds.k and {}", fold,
                                  train_indices.size(), val_indices.size(), config.get<std::string>("folds.file")));
  }
  const size_t training = train_indices.size();
  auto train_options = loader_options(options, options.batch_size, true);
  const auto& communicator = request.communicator;
  const bool writer = !communicator || communicator->rank() == 0;
  if (communicator) {
    train_options.rank = communicator->rank();
    train_options.world_size = communicator->world_size();
  }
  train_options.drop_last = train_indices.size() > static_cast<size_t>(options.batch_size);
  if (options.positive_fraction) {
    std::vector<bool> positive;
    for (size_t index : train_indices) {
      const auto present = dataset->classes_present(index);
      positive.push_back(std::any_of(present.begin(), present.end(), [](bool flag) { return flag; }));
    }
    train_options.sample_weights = loader::positive_share_weights(positive, *options.positive_fraction);
  }
  auto train_set = dataset;
  if (pseudo_labelled) {
    // Pseudo-labelled images follow the dataset's; every fold trains on all of them and validates on
    // none. An epoch still draws each training image about once, plus the pseudo share on top.
    train_set = std::make_shared<data::ConcatDataset>(std::vector<data::DatasetPtr>{dataset, pseudo_labelled});
    if (train_options.sample_weights.empty()) train_options.sample_weights.assign(training, 1.0);
    const double share = config.get<double>("pseudo_labels.share");
    train_options.sample_weights =
        loader::mixed_share_weights(train_options.sample_weights, pseudo_labelled->size(), share);
    train_options.samples_per_epoch = static_cast<size_t>(std::lround(static_cast<double>(training) / (1.0 - share)));
    for (size_t j = 0; j < pseudo_labelled->size(); ++j) train_indices.push_back(dataset->size() + j);
  }
  loader::DataLoader train_loader(train_set, transforms::build_pipeline(config.at("augment.train"), "augment.train"),
                                  train_options, train_indices);
  const int val_batch = options.val_batch_size > 0 ? options.val_batch_size : options.batch_size;
  loader::DataLoader val_loader(dataset, transforms::build_pipeline(config.at("augment.val"), "augment.val"),
                                loader_options(options, val_batch, false), val_indices);

  torch::manual_seed(options.seed + static_cast<uint64_t>(fold));
  const size_t batches = options.steps_per_epoch > 0
                             ? std::min<size_t>(options.steps_per_epoch, train_loader.batches_per_epoch())
                             : train_loader.batches_per_epoch();
  auto parts = build_trainer_parts(config, dataset.get(), static_cast<int64_t>((batches + options.accumulate - 1) / options.accumulate));

  FoldResult result;
  result.fold = fold;
  result.dir = request.run_dir / fmt::format("fold{}", fold);
  log::info("fold {}: {} training{}, {} validation images -> {}", fold, training,
            pseudo_labelled ? fmt::format(" ({} pseudo-labelled)", pseudo_labelled->size()) : "", val_indices.size(),
            result.dir.string());
  if (communicator && config.get<bool>("train.sync_batchnorm")) {
    auto sum = std::make_shared<nn::SumOverProcesses>([communicator](torch::Tensor& tensor) {
      std::vector<torch::Tensor> tensors{tensor};
      communicator->allreduce_sum(tensors);
    });
    nn::set_batchnorms_sync(*parts.model, sum);
  }
  Trainer trainer(std::move(parts), options, result.dir, dataset->class_names());
  trainer.set_communicator(communicator);
  trainer.set_config_text(config.to_yaml());
  trainer.set_model_card({{"format", "segkit-model-card-v1"},
                          {"classes", dataset->class_names()},
                          {"mode", task_mode_name(options.mode)},
                          {"preprocess", config.at("augment.val")}});
  result.state = trainer.fit(train_loader, val_loader, request.resume);

  if (writer) {
    auto best = models::from_pretrained(result.dir / "best");
    save_out_of_fold(best, val_loader, nn::resolve_device(options.device), options.mode, result.dir / "oof.safetensors");
  }
  if (communicator) communicator->barrier();  // the next fold starts together
  return result;
}

}  // namespace

TrainerParts build_trainer_parts(const config::Config& config, const data::Dataset* dataset, int64_t steps_per_epoch) {
  TrainerParts parts;
  const TaskMode mode = task_mode(config);
  if (mode == TaskMode::kMulticlass && !config.at("train.positive_fraction").is_null()) {
    // "Positive" means a non-empty mask, and every labelled multiclass image has classes.
    throw ConfigError(config.where("train.positive_fraction") +
                      "train.positive_fraction samples images with a non-empty mask; with model.mode multiclass every "
                      "labelled image has one, so the sampling would be uniform anyway; remove it");
  }
  parts.model = initial_model(config, dataset, mode);
  // Before the optimiser sees the parameters, so its moments take the same memory format.
  if (trains_channels_last(config)) parts.model->use_channels_last();
  if (parts.model->is_classifier()) check_classifier_loss(config);
  with_config_location(config, "loss", [&] { parts.loss = build_task_loss(config.at("loss"), mode, parts.model->config()); });
  with_config_location(config, "optimizer", [&] {
    parts.optimizer = build_optimizer(parts.model, config.at("optimizer"));
    parts.group_names = param_group_names(parts.model, config.at("optimizer"));
  });
  with_config_location(config, "scheduler", [&] {
    parts.scheduler = build_scheduler(*parts.optimizer, config.at("scheduler"), steps_per_epoch, config.get<int>("train.epochs"),
                                      scheduler_monitor_maximizes(config));
  });
  return parts;
}

models::SegmentationModel initial_model(const config::Config& config, const data::Dataset* dataset, TaskMode mode) {
  models::SegmentationModel model{nullptr};
  with_config_location(config, "model", [&] { model = models::create_model(model_section(config, dataset, mode)); });
  const auto& weights = config.at("model.weights");
  if (weights.is_null()) return model;
  fs::path file = weights.get<std::string>();
  if (fs::is_directory(file)) file /= "model.safetensors";
  if (!fs::exists(file)) {
    throw ConfigError(fmt::format("{}model.weights: {} does not exist", config.where("model.weights"), file.string()));
  }
  // Strict: a start point that silently leaves layers at their random init would be a different run.
  try {
    models::load_weights(*model, file);
  } catch (const Error& error) {
    throw ConfigError(fmt::format("{}model.weights: {}", config.where("model.weights"), error.what()));
  }
  return model;
}

void save_initial_model(const config::Config& config, const fs::path& config_dir, int fold, const fs::path& directory) {
  data::DatasetPtr dataset;
  with_config_location(config, "data", [&] { dataset = data::build_dataset(config.at("data"), config_dir); });
  torch::manual_seed(config.get<uint64_t>("seed") + static_cast<uint64_t>(fold));
  models::save_pretrained(*initial_model(config, dataset.get(), task_mode(config)), directory);
}

std::vector<int> config_folds(const config::Config& config, const fs::path& config_dir, const data::Dataset& dataset) {
  return data::load_or_create_folds(dataset, config_dir / config.get<std::string>("folds.file"), config.get<int>("folds.k"),
                                    config.get<std::string>("folds.method"), config.get<uint64_t>("seed"));
}

std::vector<int> all_folds(const config::Config& config) {
  std::vector<int> folds(static_cast<size_t>(config.get<int>("folds.k")));
  for (size_t k = 0; k < folds.size(); ++k) folds[k] = static_cast<int>(k);
  return folds;
}

std::vector<FoldResult> train_from_config(const config::Config& config, const fs::path& config_dir,
                                          const RunRequest& request) {
  data::DatasetPtr dataset;
  with_config_location(config, "data", [&] { dataset = data::build_dataset(config.at("data"), config_dir); });
  check_training_setup(config, dataset.get());
  const auto& communicator = request.communicator;
  const bool writer = !communicator || communicator->rank() == 0;
  const auto folds_of = [&] { return config_folds(config, config_dir, *dataset); };
  // Rank 0 writes a missing folds file; the others read it once it is there.
  std::vector<int> folds;
  if (writer) folds = folds_of();
  if (communicator) communicator->barrier();
  if (!writer) folds = folds_of();
  data::DatasetPtr pseudo_labelled;
  if (!config.at("pseudo_labels.data").is_null()) {
    pseudo_labelled = data::build_dataset(config.at("pseudo_labels.data"), config_dir);
    if (pseudo_labelled->class_names() != dataset->class_names()) {
      throw ConfigError(fmt::format("{}pseudo_labels.data has classes [{}] but data has [{}]",
                                    config.where("pseudo_labels.data"), fmt::join(pseudo_labelled->class_names(), ", "),
                                    fmt::join(dataset->class_names(), ", ")));
    }
  }
  fs::create_directories(request.run_dir);
  if (writer) {
    // A run killed while writing config.yaml or run_info.json leaves its temp file here, above the
    // fold folders that the Trainer cleans.
    remove_abandoned_temp_files(request.run_dir);
    write_file_atomic(request.run_dir / "config.yaml", config.to_yaml());
    write_run_record(config, config_dir, request.run_dir);
  }

  const std::vector<int> chosen = request.folds.empty() ? std::vector<int>{config.get<int>("train.fold")} : request.folds;
  std::vector<FoldResult> results;
  config::json summary = config::json::array();
  for (int fold : chosen) {
    results.push_back(train_fold(config, fold, request, dataset, pseudo_labelled, folds));
    const auto& state = results.back().state;
    summary.push_back({{"fold", fold},
                       {"best_epoch", state.best_epoch},
                       {"best", state.best ? config::json(*state.best) : config::json(nullptr)},
                       {"monitor", read_train_options(config).monitor}});
  }
  if (writer) write_file_atomic(request.run_dir / "cv.json", summary.dump(2));
  return results;
}

}  // namespace segkit::train
