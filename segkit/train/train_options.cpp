#include "segkit/train/train_options.h"

#include <fmt/format.h>

#include <algorithm>

#include "segkit/core/error.h"
#include "segkit/models/model_registry.h"

namespace segkit::train {
namespace {

std::optional<double> optional_number(const config::Config& config, std::string_view key) {
  const auto& value = config.at(key);
  if (value.is_null()) return std::nullopt;
  return config.get<double>(key);
}

// The modes the loss states: its own `mode`, its terms' (sum, bce_dice), and the modes the
// multiclass-only losses imply.
void loss_modes(const config::json& loss, std::vector<std::string>& modes) {
  if (loss.is_string()) {
    if (loss == "cross_entropy" || loss == "soft_ce") modes.push_back("multiclass");
    return;
  }
  if (!loss.is_object()) return;
  if (auto name = loss.find("name"); name != loss.end()) loss_modes(*name, modes);
  if (auto mode = loss.find("mode"); mode != loss.end() && mode->is_string()) modes.push_back(mode->get<std::string>());
  if (auto terms = loss.find("terms"); terms != loss.end() && terms->is_array()) {
    for (const auto& term : *terms) loss_modes(term, modes);
  }
}

}  // namespace

bool is_classifier_config(const config::Config& config) {
  const auto& arch = config.at("model.arch");
  return arch.is_string() && models::model_spec(arch.get<std::string>()).name == "classifier";
}

TaskMode task_mode(const config::Config& config) {
  std::vector<std::string> stated_by_loss;
  loss_modes(config.at("loss"), stated_by_loss);
  const bool loss_multiclass =
      std::find(stated_by_loss.begin(), stated_by_loss.end(), "multiclass") != stated_by_loss.end();
  const auto name = config.get<std::string>("model.mode");
  if (name == "auto") return loss_multiclass ? TaskMode::kMulticlass : TaskMode::kMultilabel;
  const TaskMode mode = parse_task_mode(name, config.where("model.mode") + "model.mode");
  for (const auto& loss_mode : stated_by_loss) {
    if ((loss_mode == "multiclass") != (mode == TaskMode::kMulticlass)) {
      throw ConfigError(fmt::format("{}model.mode is {} but the loss is {} ({}); make them agree, or leave "
                                    "model.mode auto to follow the loss",
                                    config.where("model.mode"), name, loss_mode, config.where("loss")));
    }
  }
  return mode;
}

std::string scheduler_monitor(const config::Config& config) {
  const auto& section = config.at("scheduler");
  if (!section.is_object() || !section.contains("monitor")) return "";
  if (!section["monitor"].is_string() || section["monitor"].get<std::string>().empty()) {
    throw ConfigError(config.where("scheduler.monitor") + "scheduler.monitor must be a log key such as val.loss, got " +
                      section["monitor"].dump());
  }
  return section["monitor"].get<std::string>();
}

bool scheduler_monitor_maximizes(const config::Config& config) {
  const auto monitor = scheduler_monitor(config);
  if (monitor.empty()) return config.get<std::string>("train.monitor_mode") == "max";
  return monitor.find("loss") == std::string::npos;
}

TrainOptions read_train_options(const config::Config& config) {
  TrainOptions options;
  options.mode = task_mode(config);
  options.epochs = config.get<int>("train.epochs");
  options.batch_size = config.get<int>("train.batch_size");
  options.val_batch_size = config.get<int>("train.val_batch_size");
  options.workers = config.get<int>("train.workers");
  options.steps_per_epoch = config.get<int>("train.steps_per_epoch");
  options.accumulate = config.get<int>("train.accumulate");
  options.clip_grad_norm = config.get<double>("train.clip_grad_norm");
  options.monitor = config.get<std::string>("train.monitor");
  // A classifier logs no Dice: its default checkpoint monitor is the mean class AUC.
  if (config.locations().count("train.monitor") == 0 && is_classifier_config(config)) options.monitor = "val.cls_auc";
  options.monitor_maximizes = config.get<std::string>("train.monitor_mode") == "max";
  options.scheduler_monitor = scheduler_monitor(config);
  options.early_stopping = config.get<int>("train.early_stopping");
  options.checkpoint_every = config.get<int>("train.checkpoint_every");
  options.freeze_encoder_epochs = config.get<int>("train.freeze_encoder_epochs");
  options.train_bn = config.get<bool>("train.train_bn");
  options.unfreeze_encoder_lr = optional_number(config, "train.unfreeze_encoder_lr");
  options.bn_momentum = optional_number(config, "train.bn_momentum");
  options.ema_decay = config.get<double>("train.ema_decay");
  options.skip_nan_batches = config.get<std::string>("train.on_nan") == "skip";
  options.cls_loss_weight = config.get<double>("train.cls_loss_weight");
  options.threshold = config.get<double>("train.threshold");
  options.positive_fraction = optional_number(config, "train.positive_fraction");
  options.report_examples = config.get<int>("train.report_examples");
  options.seed = config.get<uint64_t>("seed");
  options.device = config.get<std::string>("device");
  options.precision = config.get<std::string>("train.precision");
  options.cudnn_benchmark = config.get<bool>("cudnn_benchmark");
  return options;
}

}  // namespace segkit::train
