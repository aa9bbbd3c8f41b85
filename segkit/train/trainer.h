#pragma once
// The training loop: epochs of optimiser steps over a DataLoader, validation after each epoch,
// the best model kept by a monitored value, and a checkpoint that a killed run resumes from
// exactly (bit-identical weights on the CPU).
//
//   segkit::train::Trainer trainer(std::move(parts), options, "runs/fold0", dataset->class_names());
//   TrainState state = trainer.fit(train_loader, val_loader, /*resume=*/false);
//
// A run directory receives: `last.pt` (model, optimiser, schedule, EMA, RNG, progress; written
// after every epoch and every `checkpoint_every` steps), `best/` (SMP hub layout: config.json +
// model.safetensors, the weights of the best epoch), `log.jsonl`, `log.csv` and `report.html`.
// A NaN/Inf loss stops the run with the epoch, batch and image ids, leaving the last good
// checkpoint in place (or skips the batch with `on_nan: skip`).

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "segkit/dist/communicator.h"
#include "segkit/loader/data_loader.h"
#include "segkit/losses/loss.h"
#include "segkit/models/segmentation_model.h"
#include "segkit/train/optimizer_factory.h"
#include "segkit/train/schedulers.h"
#include "segkit/train/train_options.h"
#include "segkit/train/train_state.h"

namespace segkit::train {

struct TrainerParts {
  models::SegmentationModel model{nullptr};
  losses::LossPtr loss;
  std::unique_ptr<torch::optim::Optimizer> optimizer;
  /// Name of each param group, in order (param_group_names()).
  std::vector<std::string> group_names;
  std::unique_ptr<Scheduler> scheduler;
};

/// The loss of one batch as training computes it: the configured loss (multiclass: against class
/// indices, void marked), plus cls_loss_weight x the classification head's BCE on the "class
/// present" labels when the output has them. A classifier's output (no masks): the configured loss
/// on its class logits against those labels.
torch::Tensor training_loss(const losses::Loss& loss, TaskMode mode, double cls_loss_weight,
                            const models::ModelOutput& output, const torch::Tensor& masks, const torch::Tensor& labels);

class Trainer {
 public:
  Trainer(TrainerParts parts, TrainOptions options, std::filesystem::path run_dir,
          std::vector<std::string> class_names);
  ~Trainer();

  /// Trains until `options.epochs` (or early stopping). With `resume`, continues from
  /// run_dir/last.pt when it exists. Returns the final state (history, best epoch and value).
  TrainState fit(loader::DataLoader& train_loader, loader::DataLoader& val_loader, bool resume);

  /// Called after every optimiser step (after any checkpoint of that step): progress reporting,
  /// and tests that interrupt a run by throwing from it.
  void set_step_hook(std::function<void(const TrainState&)> hook) { step_hook_ = std::move(hook); }

  /// Written as best/segkit.json beside the SMP hub files each time best/ is saved, so a model
  /// directory carries what predicting needs (class names, preprocessing).
  void set_model_card(config::json card) { model_card_ = std::move(card); }

  /// Data-parallel training (docs/distributed.md): parameters start from rank 0's, gradients are
  /// averaged over the ranks before every optimiser step, the batch losses are averaged so every
  /// rank takes the same NaN decision, and rank 0 alone validates (broadcasting the monitored
  /// value, so every rank's schedule and early stopping agree) and writes files. The loaders must
  /// be sharded (LoaderOptions::rank / world_size).
  void set_communicator(dist::CommunicatorPtr communicator) { communicator_ = std::move(communicator); }

  /// The resolved config shown in report.html.
  void set_config_text(std::string yaml) { config_text_ = std::move(yaml); }

  models::SegmentationModel& model() { return parts_.model; }

 private:
  struct Impl;
  /// The configured loss of a batch (training and validation alike), plus cls_loss_weight x the
  /// classification head's BCE on the "class present" labels when the model has a head.
  torch::Tensor batch_loss(const models::ModelOutput& output, const torch::Tensor& masks,
                           const torch::Tensor& labels) const;
  TrainerParts parts_;
  TrainOptions options_;
  std::filesystem::path run_dir_;
  std::vector<std::string> class_names_;
  std::string config_text_;
  config::json model_card_;
  std::function<void(const TrainState&)> step_hook_;
  dist::CommunicatorPtr communicator_;
};

}  // namespace segkit::train
