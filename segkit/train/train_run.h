#pragma once
// `segkit train` as a library call: everything a config describes (dataset, folds, augmentation,
// model, loss, optimiser, schedule, training loop), trained fold by fold into a run directory:
//
//   RUN_DIR/config.yaml            the resolved config (defaults filled in)
//   RUN_DIR/run_info.json          versions, seed, threads, data fingerprints (run_record.h)
//   RUN_DIR/fold<k>/               one Trainer run per fold (trainer.h: last.pt, best/, logs, report)
//   RUN_DIR/fold<k>/oof.safetensors  the best model's probabilities on its validation fold
//   RUN_DIR/cv.json                each trained fold's best epoch and monitored value
//
//   auto config = segkit::config::load_config("configs/isbi_unet.yaml", {}, segkit::config::segkit_schema());
//   segkit::train::RunRequest request;
//   request.run_dir = "runs/isbi"; request.folds = {0};
//   auto results = segkit::train::train_from_config(config, "configs", request);

#include <filesystem>
#include <vector>

#include "segkit/config/config_loader.h"
#include "segkit/data/dataset.h"
#include "segkit/dist/communicator.h"
#include "segkit/models/segmentation_model.h"
#include "segkit/train/train_state.h"
#include "segkit/train/trainer.h"

namespace segkit::train {

struct RunRequest {
  std::filesystem::path run_dir;
  /// Folds to train, in order; empty: the config's train.fold.
  std::vector<int> folds{};
  bool resume = false;
  /// Set: this process is one rank of a data-parallel run (docs/distributed.md); rank 0 writes the
  /// run directory, every rank trains on its shard.
  dist::CommunicatorPtr communicator{};
};

struct FoldResult {
  int fold = 0;
  std::filesystem::path dir;
  TrainState state;
};

/// `config_dir` resolves the config's relative paths (data, folds file). Throws ConfigError for an
/// inconsistent config (class counts, an empty fold) and whatever the parts throw.
std::vector<FoldResult> train_from_config(const config::Config& config, const std::filesystem::path& config_dir,
                                          const RunRequest& request);

/// Model (model.classes and in_channels follow `dataset` unless stated; nullptr: as the config states
/// them), loss, optimiser and schedule from the config; `steps_per_epoch` counts optimiser steps (it
/// sizes step-based schedules). A ConfigError names the file:line of the key it is about.
TrainerParts build_trainer_parts(const config::Config& config, const data::Dataset* dataset, int64_t steps_per_epoch);

/// The model a fold's training starts from: the config's architecture, with `model.weights` loaded
/// when it is set (a hub directory or a .safetensors state_dict, strict), else initialised from
/// torch's current seed (train_from_config seeds `seed + fold` first). `dataset` as above.
models::SegmentationModel initial_model(const config::Config& config, const data::Dataset* dataset, TaskMode mode);

/// `segkit models init`: the weights fold `fold` of `segkit train` starts from (seeded as
/// train_from_config seeds it), written as an SMP hub folder, e.g. for a Python run from the same start.
void save_initial_model(const config::Config& config, const std::filesystem::path& config_dir, int fold,
                        const std::filesystem::path& directory);

/// All folds of the config (0..folds.k-1), for `--folds all`.
std::vector<int> all_folds(const config::Config& config);

/// The fold of every image of `dataset`: the config's folds file (relative to `config_dir`), written
/// from folds.k / folds.method / seed when it does not exist yet.
std::vector<int> config_folds(const config::Config& config, const std::filesystem::path& config_dir,
                              const data::Dataset& dataset);

}  // namespace segkit::train
