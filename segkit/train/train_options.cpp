#include "segkit/train/train_options.h"

namespace segkit::train {
namespace {

std::optional<double> optional_number(const config::Config& config, std::string_view key) {
  const auto& value = config.at(key);
  if (value.is_null()) return std::nullopt;
  return config.get<double>(key);
}

}  // namespace

TrainOptions read_train_options(const config::Config& config) {
  TrainOptions options;
  options.epochs = config.get<int>("train.epochs");
  options.batch_size = config.get<int>("train.batch_size");
  options.val_batch_size = config.get<int>("train.val_batch_size");
  options.workers = config.get<int>("train.workers");
  options.steps_per_epoch = config.get<int>("train.steps_per_epoch");
  options.accumulate = config.get<int>("train.accumulate");
  options.clip_grad_norm = config.get<double>("train.clip_grad_norm");
  options.monitor = config.get<std::string>("train.monitor");
  options.monitor_maximizes = config.get<std::string>("train.monitor_mode") == "max";
  options.early_stopping = config.get<int>("train.early_stopping");
  options.checkpoint_every = config.get<int>("train.checkpoint_every");
  options.freeze_encoder_epochs = config.get<int>("train.freeze_encoder_epochs");
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
