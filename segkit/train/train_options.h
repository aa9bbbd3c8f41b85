#pragma once
// The `train:` section as the Trainer uses it. Defaults and documentation live in the config schema
// (config/segkit_schema.cpp, docs/config.md); this struct is its typed copy.

#include <cstdint>
#include <optional>
#include <string>

#include "segkit/config/config_loader.h"
#include "segkit/core/task_mode.h"

namespace segkit::train {

struct TrainOptions {
  TaskMode mode = TaskMode::kMultilabel;  ///< task_mode(config)
  int epochs = 10;
  int batch_size = 8;
  int val_batch_size = 0;
  int workers = 2;
  int steps_per_epoch = 0;
  int accumulate = 1;
  double clip_grad_norm = 0.0;
  std::string monitor = "val.dice";
  bool monitor_maximizes = true;
  /// scheduler.monitor: the epoch value the schedule follows; empty = `monitor`.
  std::string scheduler_monitor;
  int early_stopping = 0;
  int checkpoint_every = 0;
  int freeze_encoder_epochs = 0;
  bool train_bn = false;  ///< a frozen encoder's BatchNorm layers keep training (fastai)
  std::optional<double> unfreeze_encoder_lr{};
  std::optional<double> bn_momentum{};
  double ema_decay = 0.0;
  bool skip_nan_batches = false;
  double cls_loss_weight = 0.2;
  double threshold = 0.5;
  std::optional<double> positive_fraction{};
  int report_examples = 8;
  uint64_t seed = 42;
  std::string device = "cpu";
  std::string precision = "fp32";  ///< nn::parse_precision's names
  bool cudnn_benchmark = true;
};

/// model.mode, with `auto` resolved from the loss: multiclass when the loss (or a term of a sum)
/// says `mode: multiclass` or is cross_entropy / soft_ce, else multilabel. A stated mode that
/// contradicts the loss is a ConfigError naming both keys.
TaskMode task_mode(const config::Config& config);

/// model.arch is `classifier` (models/classifier): a model without masks.
bool is_classifier_config(const config::Config& config);

/// scheduler.monitor, or "" when the schedule follows train.monitor.
std::string scheduler_monitor(const config::Config& config);

/// Whether the value the schedule follows is better when larger: train.monitor_mode for
/// train.monitor; for a scheduler.monitor, false when its name contains "loss", else true (a
/// plateau's own `mode` overrides it).
bool scheduler_monitor_maximizes(const config::Config& config);

/// Reads `train.*`, `seed`, `device` and `cudnn_benchmark` from a config resolved against segkit_schema().
TrainOptions read_train_options(const config::Config& config);

}  // namespace segkit::train
