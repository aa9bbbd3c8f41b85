#pragma once
// The resumable checkpoint of a run (`last.pt`): model parameters and buffers, optimiser state,
// schedule state, EMA weights, LibTorch's CPU random generator, the partial metrics of an
// unfinished epoch and the TrainState, in one LibTorch archive written atomically (temp file,
// fsync, rename) so a kill at any moment leaves the previous checkpoint or the new one.

#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

#include <filesystem>

#include "segkit/train/ema.h"
#include "segkit/train/epoch_metrics.h"
#include "segkit/train/schedulers.h"
#include "segkit/train/train_state.h"

namespace segkit::train {

struct CheckpointRefs {
  torch::nn::Module& model;
  torch::optim::Optimizer& optimizer;
  Scheduler& scheduler;
  ModelEma* ema = nullptr;                      ///< EMA weights, when enabled
  EpochMetrics* partial_metrics = nullptr;      ///< training metrics of the unfinished epoch
};

void save_checkpoint(const std::filesystem::path& file, const TrainState& state, const CheckpointRefs& refs);

/// Restores everything into `refs` and returns the state. Throws DataError naming the file when it
/// is not a segkit checkpoint or does not fit the model (shapes, missing tensors).
TrainState load_checkpoint(const std::filesystem::path& file, const CheckpointRefs& refs);

}  // namespace segkit::train
