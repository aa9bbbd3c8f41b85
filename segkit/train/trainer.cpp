#include "segkit/train/trainer.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>

#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/core/logging.h"
#include "segkit/core/progress.h"
#include "segkit/core/strings.h"
#include "segkit/models/hub_format.h"
#include "segkit/nn/machine.h"
#include "segkit/nn/mixed_precision.h"
#include "segkit/nn/runtime.h"
#include "segkit/nn/task_outputs.h"
#include "segkit/train/batchnorm_control.h"
#include "segkit/train/checkpoint.h"
#include "segkit/train/ema.h"
#include "segkit/train/epoch_metrics.h"
#include "segkit/train/grad_scaler.h"
#include "segkit/train/optimizer_groups.h"
#include "segkit/train/report_examples.h"
#include "segkit/train/run_log.h"

namespace segkit::train {

// Per-fit state that the public header need not show.
struct Trainer::Impl {
  torch::Device device{torch::kCPU};
  nn::Precision precision = nn::Precision::kFloat32;
  GradScaler scaler{false};
  std::unique_ptr<ModelEma> ema;
  TrainState state;
};

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string batch_ids(const loader::Batch& batch) {
  return join(batch.ids, ", ");
}

// Gradients of the parameters that have one (frozen ones have none on every rank alike).
std::vector<torch::Tensor> gradients(torch::nn::Module& model) {
  std::vector<torch::Tensor> grads;
  for (auto& parameter : model.parameters()) {
    if (parameter.grad().defined()) grads.push_back(parameter.mutable_grad());
  }
  return grads;
}

std::vector<torch::Tensor> weights_and_buffers(torch::nn::Module& model) {
  std::vector<torch::Tensor> tensors;
  for (auto& parameter : model.parameters()) tensors.push_back(parameter);
  for (auto& buffer : model.buffers()) tensors.push_back(buffer);
  return tensors;
}

// Ranks other than 0 draw no progress bars.
std::ostream& discarded_output() {
  static std::ostream sink(nullptr);
  return sink;
}

// The forward pass under autocast; what leaves it is float32, so that losses and metrics (Dice above
// all) are computed in full precision.
template <typename Forward>
models::ModelOutput autocast_forward(nn::Precision precision, const torch::Device& device, Forward&& forward) {
  models::ModelOutput output;
  {
    nn::AutocastScope autocast(precision, device);
    output = forward();
  }
  return models::in_float32(std::move(output));
}

std::vector<std::string> numeric_keys(const config::json& entry) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : flatten(entry)) {
    if (value.is_number()) keys.push_back(key);
  }
  return keys;
}

}  // namespace

Trainer::Trainer(TrainerParts parts, TrainOptions options, std::filesystem::path run_dir,
                 std::vector<std::string> class_names)
    : parts_(std::move(parts)), options_(std::move(options)), run_dir_(std::move(run_dir)),
      class_names_(std::move(class_names)) {
  if (!parts_.model || !parts_.loss || !parts_.optimizer || !parts_.scheduler) {
    throw ConfigError("Trainer needs a model, a loss, an optimiser and a schedule");
  }
}

Trainer::~Trainer() = default;

torch::Tensor training_loss(const losses::Loss& loss, TaskMode mode, double cls_loss_weight,
                            const models::ModelOutput& output, const torch::Tensor& masks, const torch::Tensor& labels) {
  if (!output.masks.defined()) {
    // A classifier: the configured (element-wise) loss on the class logits, as 1 x 1 maps.
    const auto logits = output.labels.unsqueeze(-1).unsqueeze(-1);
    return loss.forward(logits, labels.to(logits.device()).view_as(logits));
  }
  // Multiclass losses take class indices, void pixels marked (nn::kVoidIndex) for them to ignore.
  auto value = loss.forward(output.masks, mode == TaskMode::kMulticlass ? nn::class_labels(masks) : masks);
  if (output.labels.defined()) {
    value = value + cls_loss_weight *
                        torch::binary_cross_entropy_with_logits(output.labels, labels.to(output.labels.device()));
  }
  return value;
}

torch::Tensor Trainer::batch_loss(const models::ModelOutput& output, const torch::Tensor& masks,
                                  const torch::Tensor& labels) const {
  return training_loss(*parts_.loss, options_.mode, options_.cls_loss_weight, output, masks, labels);
}

TrainState Trainer::fit(loader::DataLoader& train_loader, loader::DataLoader& val_loader, bool resume) {
  Impl impl;
  impl.device = torch::Device(nn::resolve_device(options_.device));
  impl.precision = nn::training_precision(options_.precision, impl.device);
  if (options_.precision == "auto") log::info("train.precision auto: {} on this machine", nn::precision_name(impl.precision));
  nn::configure_device(impl.device, options_.cudnn_benchmark);
  impl.scaler = GradScaler(impl.precision == nn::Precision::kFloat16);
  auto& model = *parts_.model;
  auto& optimizer = *parts_.optimizer;
  model.to(impl.device);
  if (options_.bn_momentum) set_batchnorm_momentum(model, *options_.bn_momentum);
  if (options_.ema_decay > 0) impl.ema = std::make_unique<ModelEma>(model, EmaOptions{options_.ema_decay, false});
  std::filesystem::create_directories(run_dir_);
  remove_abandoned_temp_files(run_dir_);  // a killed run's half-written checkpoint, if any

  const auto last = run_dir_ / "last.pt";
  const auto batches_per_epoch = static_cast<int64_t>(
      options_.steps_per_epoch > 0 ? std::min<size_t>(options_.steps_per_epoch, train_loader.batches_per_epoch())
                                   : train_loader.batches_per_epoch());
  if (batches_per_epoch == 0) throw ConfigError("the training set gives no batch: fewer images than train.batch_size with drop_last");
  EpochMetrics train_metrics(class_names_, options_.threshold, options_.mode);
  CheckpointRefs refs{model, optimizer, *parts_.scheduler, impl.ema.get(), &train_metrics};
  if (resume && std::filesystem::exists(last)) {
    impl.state = load_checkpoint(last, refs);
    log::info("resuming {} at epoch {}, batch {} (step {})", last.string(), impl.state.epoch + 1,
              impl.state.batch_in_epoch, impl.state.global_step);
    if (impl.state.finished) return impl.state;
    if (impl.state.loss_scale > 0) impl.scaler.restore(impl.state.loss_scale, impl.state.loss_scale_good_steps);
  }
  TrainState& state = impl.state;
  const bool with_labels = model.has_classification_head();
  const bool writer = !communicator_ || communicator_->rank() == 0;
  const int64_t world_size = communicator_ ? communicator_->world_size() : 1;
  if (state.world_size != world_size && state.batch_in_epoch > 0) {
    // A mid-epoch checkpoint counts batches of its own shards; with another number of ranks the
    // interrupted epoch is trained again from its start (the steps it already took stay applied).
    log::warn("the checkpoint was written by {} rank(s) mid-epoch; with {} the epoch {} restarts from its first batch",
              state.world_size, world_size, state.epoch + 1);
    state.batch_in_epoch = 0;
  }
  state.world_size = world_size;
  ProgressOptions bar_options;
  if (!writer) bar_options.out = &discarded_output();
  if (communicator_) {
    auto tensors = weights_and_buffers(model);
    communicator_->broadcast(tensors, 0);
  }

  for (; state.epoch < options_.epochs; ++state.epoch) {
    const auto epoch_start = Clock::now();
    const bool frozen = state.epoch < options_.freeze_encoder_epochs;
    if (state.batch_in_epoch == 0) train_metrics = EpochMetrics(class_names_, options_.threshold, options_.mode);
    model.train();
    freeze_module(model.encoder(), frozen, options_.train_bn);
    if (!frozen && state.encoder_frozen && options_.unfreeze_encoder_lr) {
      for (size_t group = 0; group < parts_.group_names.size(); ++group) {
        if (starts_with(parts_.group_names[group], "encoder")) {
          parts_.scheduler->set_base_lr(group, *options_.unfreeze_encoder_lr);
        }
      }
    }
    state.encoder_frozen = frozen;
    train_loader.start_epoch(static_cast<uint64_t>(state.epoch), static_cast<size_t>(state.batch_in_epoch));
    Progress bar(fmt::format("epoch {}/{}", state.epoch + 1, options_.epochs), batches_per_epoch, bar_options);
    bar.advance(state.batch_in_epoch);
    optimizer.zero_grad();
    while (state.batch_in_epoch < batches_per_epoch) {
      auto batch = train_loader.next();
      if (!batch) break;
      // Pinned batches (CUDA) copy while the previous step's kernels still run.
      const auto images = batch->images.to(impl.device, /*non_blocking=*/true);
      const auto masks = batch->masks.to(impl.device, /*non_blocking=*/true);
      const auto output = autocast_forward(impl.precision, impl.device,
                                           [&] { return model.forward_with_aux(images, with_labels); });
      const auto loss = batch_loss(output, masks, batch->labels);
      double loss_value = loss.item<double>();
      if (communicator_) {  // the mean over the ranks: NaN on one rank is NaN on all
        std::vector<torch::Tensor> value{torch::tensor({loss_value}, torch::kFloat64)};
        communicator_->allreduce_mean(value);
        loss_value = value[0].item<double>();
      }
      ++state.batch_in_epoch;
      if (!std::isfinite(loss_value)) {
        if (!options_.skip_nan_batches) {
          throw Error(fmt::format(
              "epoch {}, batch {} (images {}): the loss is {}; training stopped and {} keeps the last good "
              "state. Lower the learning rate, set train.clip_grad_norm, or set train.on_nan: skip",
              state.epoch + 1, state.batch_in_epoch, batch_ids(*batch), loss_value, last.string()));
        }
        log::warn("epoch {}, batch {} (images {}): loss is {}, batch skipped", state.epoch + 1, state.batch_in_epoch,
                  batch_ids(*batch), loss_value);
        train_metrics.add_skipped();
        optimizer.zero_grad();
        bar.advance();
        continue;
      }
      (impl.scaler.scale(loss) / static_cast<double>(options_.accumulate)).backward();
      train_metrics.add(output.masks, masks, loss_value, output.labels, batch->labels);

      const bool step_now = state.batch_in_epoch % options_.accumulate == 0 || state.batch_in_epoch == batches_per_epoch;
      if (step_now) {
        auto grads = gradients(model);
        if (communicator_) communicator_->allreduce_mean(grads);
        if (impl.scaler.unscale(grads)) {
          if (options_.clip_grad_norm > 0) torch::nn::utils::clip_grad_norm_(model.parameters(), options_.clip_grad_norm);
          optimizer.step();
        } else {
          log::debug("epoch {}, batch {}: fp16 gradients overflowed at loss scale {}; step skipped", state.epoch + 1,
                     state.batch_in_epoch, impl.scaler.scale_value());
        }
        impl.scaler.update();
        if (impl.scaler.enabled()) {
          state.loss_scale = impl.scaler.scale_value();
          state.loss_scale_good_steps = impl.scaler.good_steps();
        }
        optimizer.zero_grad();
        parts_.scheduler->step_batch();
        if (impl.ema) impl.ema->update(model);
        ++state.global_step;
        if (writer && options_.checkpoint_every > 0 && state.global_step % options_.checkpoint_every == 0 &&
            state.batch_in_epoch < batches_per_epoch) {
          save_checkpoint(last, state, refs);
        }
        if (step_hook_) step_hook_(state);
      }
      bar.set_postfix(fmt::format("loss {:.4f}", loss_value));
      bar.advance();
    }
    bar.finish();

    // Validation (and the best model) with the EMA weights when they are kept; rank 0 only.
    if (impl.ema && writer) impl.ema->swap(model);
    EpochMetrics val_metrics(class_names_, options_.threshold, options_.mode);
    std::vector<report::ReportExample> examples;
    model.eval();
    if (writer) {
      torch::NoGradGuard no_grad;
      val_loader.start_epoch(0);
      while (auto batch = val_loader.next()) {
        const auto images = batch->images.to(impl.device, /*non_blocking=*/true);
        const auto masks = batch->masks.to(impl.device, /*non_blocking=*/true);
        const auto output = autocast_forward(impl.precision, impl.device,
                                             [&] { return model.forward_any_size(images, with_labels); });
        const auto loss = batch_loss(output, masks, batch->labels);
        val_metrics.add(output.masks, masks, loss.item<double>(), output.labels, batch->labels);
        if (output.masks.defined()) {
          add_report_examples(*batch, output.masks.to(torch::kCPU), options_.mode, options_.threshold,
                              static_cast<size_t>(options_.report_examples), examples);
        }
      }
    }

    config::json entry;
    entry["epoch"] = state.epoch + 1;
    entry["step"] = state.global_step;
    entry["time_s"] = seconds_since(epoch_start);
    entry["lr"] = config::json::object();
    for (size_t group = 0; group < parts_.group_names.size(); ++group) {
      entry["lr"][parts_.group_names[group]] = group_lr(optimizer, group);
    }
    entry["train"] = train_metrics.summary();
    if (writer) entry["val"] = val_metrics.summary();
    const auto logged = [&](const std::string& key, const char* setting) {
      const auto value = writer ? lookup_number(entry, key) : std::optional<double>(0.0);
      if (!value) {
        throw ConfigError(fmt::format("{}: '{}' is not a number in the epoch log; it has: {}", setting, key,
                                      join(numeric_keys(entry), ", ")));
      }
      return *value;
    };
    std::optional<double> monitored = logged(options_.monitor, "train.monitor");
    // The schedule may follow another value than the checkpoint (plateau on val.loss, best by Dice).
    double scheduled = options_.scheduler_monitor.empty() ? *monitored : logged(options_.scheduler_monitor, "scheduler.monitor");
    if (communicator_) {
      std::vector<torch::Tensor> value{torch::tensor({*monitored, scheduled}, torch::kFloat64)};
      communicator_->broadcast(value, 0);
      monitored = value[0][0].item<double>();
      scheduled = value[0][1].item<double>();
    }
    const bool improved = !state.best || (options_.monitor_maximizes ? *monitored > *state.best : *monitored < *state.best);
    if (improved) {
      state.best = *monitored;
      state.best_epoch = state.epoch + 1;
      state.epochs_since_best = 0;
      if (writer) {
        if (options_.mode == TaskMode::kMulticlass) {
          write_file_atomic(run_dir_ / kConfusionFile,
                            config::json{{"epoch", state.epoch + 1},
                                         {"classes", class_names_},
                                         {"rows", "true class"},
                                         {"columns", "predicted class"},
                                         {"counts", val_metrics.confusion().to_json()}}
                                    .dump(1));
        }
        models::save_pretrained(model, run_dir_ / "best");
        if (!model_card_.is_null()) write_file_atomic(run_dir_ / "best" / "segkit.json", model_card_.dump(2));
      }
    } else {
      ++state.epochs_since_best;
    }
    if (impl.ema && writer) impl.ema->swap(model);
    entry["best"] = improved;
    parts_.scheduler->step_epoch(scheduled);
    state.history.push_back(entry);
    state.batch_in_epoch = 0;
    const bool stop_early = options_.early_stopping > 0 && state.epochs_since_best >= options_.early_stopping;
    if (state.epoch + 1 == options_.epochs || stop_early) state.finished = true;

    // The state on disk describes the next epoch, so a kill after this point resumes there.
    TrainState saved = state;
    ++saved.epoch;
    if (writer) {
      save_checkpoint(last, saved, refs);
      write_run_logs(run_dir_, state.history);
      write_report_now(run_dir_, class_names_, options_.monitor, config_text_, examples);
      log::info("epoch {}: train loss {:.4f}, val loss {:.4f}, {} {:.4f}{}", state.epoch + 1,
                lookup_number(entry, "train.loss").value_or(NAN), lookup_number(entry, "val.loss").value_or(NAN),
                options_.monitor, *monitored, improved ? " (best)" : "");
    }
    if (stop_early) {
      log::info("early stopping: {} epochs without improvement of {}", state.epochs_since_best, options_.monitor);
      ++state.epoch;
      break;
    }
  }
  state.finished = true;
  return state;
}

}  // namespace segkit::train
