#pragma once
// Where a run stands: everything besides tensors that a checkpoint must restore so that a resumed
// run continues exactly where the interrupted one stopped.

#include <cstdint>
#include <optional>
#include <vector>

#include "segkit/config/yaml_loader.h"

namespace segkit::train {

struct TrainState {
  int64_t epoch = 0;           ///< the epoch in progress, 0-based
  int64_t batch_in_epoch = 0;  ///< batches of `epoch` already trained
  int64_t global_step = 0;     ///< optimiser steps so far
  std::optional<double> best{};
  int64_t best_epoch = -1;
  int64_t epochs_since_best = 0;
  bool encoder_frozen = false;
  int64_t world_size = 1;      ///< ranks of the run that wrote the state (batch_in_epoch counts theirs)
  bool finished = false;
  double loss_scale = 0.0;         ///< fp16 training: the GradScaler's scale (0 without one)
  int64_t loss_scale_good_steps = 0;  ///< and its clean steps since the scale last changed
  std::vector<config::json> history{};  ///< one log.jsonl entry per finished epoch

  config::json to_json() const;
  static TrainState from_json(const config::json& value);
};

}  // namespace segkit::train
