#pragma once
// Learning-rate schedules with PyTorch's formulas, argument names and defaults (docs/training.md).
// A Scheduler owns the base learning rate of every param group of one optimiser and writes the
// scheduled rate into the groups; the trainer calls
//
//   step_batch()          after every optimiser step,
//   step_epoch(value)     after every epoch's validation, with the monitored value,
//
// and each schedule reacts to the one it is defined on: per step for one_cycle, cosine and
// cosine_warm_restarts, per epoch for step and plateau. A linear warm-up (LinearLR semantics)
// composes with any of them: for the first `warmup_steps` optimiser steps the scheduled rate is
// multiplied by LinearLR's factor, and the step-based schedules start counting once it is over.
//
//   auto scheduler = segkit::train::build_scheduler(*optimizer, config["scheduler"],
//                                                   /*steps_per_epoch=*/100, /*epochs=*/20,
//                                                   /*monitor_maximizes=*/true);
//   checkpoint["scheduler"] = scheduler->state();    // ... later: scheduler->load_state(...)

#include <torch/optim/optimizer.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "segkit/config/yaml_loader.h"

namespace segkit::train {

/// LinearLR from start_factor to 1 over `steps` optimiser steps; steps 0 is no warm-up.
struct Warmup {
  int64_t steps = 0;
  double start_factor = 1.0 / 3.0;
  /// start_factor + (1 - start_factor) * min(step, steps) / steps: LinearLR's closed form.
  double factor(int64_t step) const;
};

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  virtual void step_batch();
  /// `monitored`: the value the run monitors (only plateau uses it; NaN counts as no improvement).
  virtual void step_epoch(double monitored);

  /// Everything needed to continue exactly: counters, base rates and the schedule's own state.
  /// Non-finite numbers are stored as "inf", "-inf" or "nan", so the JSON can go to a file.
  virtual config::json state() const;
  /// Restores state() and rewrites the groups' rates (and momentum). Throws ConfigError when the
  /// state belongs to another schedule or another number of param groups.
  virtual void load_state(const config::json& state);
  /// The config name: "plateau", "one_cycle", ...
  virtual std::string name() const = 0;

  /// Python's math.pi, for the cosine schedules.
  static constexpr double kPi = 3.14159265358979323846;

  /// The rate each schedule scales (one_cycle: its max_lr).
  const std::vector<double>& base_lrs() const { return base_lrs_; }
  /// New base rate for a group (e.g. the encoder's after unfreezing); applied at once. Setting a
  /// group's rate on the optimiser directly would be overwritten at the next step.
  virtual void set_base_lr(size_t group, double lr);
  /// The rates the optimiser's groups hold now.
  std::vector<double> lrs() const;

  int64_t batch_steps() const { return batch_steps_; }
  int64_t epochs() const { return epochs_; }
  const Warmup& warmup() const { return warmup_; }

 protected:
  /// Reads the groups' current rates as base rates. Derived constructors end with apply().
  Scheduler(torch::optim::Optimizer& optimizer, Warmup warmup);
  /// The schedule's rates before warm-up, for the current counters.
  virtual std::vector<double> schedule_lrs() const = 0;
  /// Writes warm-up factor x schedule_lrs() into the groups.
  virtual void apply();
  /// Optimiser steps since the warm-up ended (0 while it runs).
  int64_t steps_after_warmup() const;
  [[noreturn]] void fail(const std::string& message) const;

  torch::optim::Optimizer& optimizer_;
  std::vector<double> base_lrs_;

 private:
  Warmup warmup_;
  int64_t batch_steps_ = 0;
  int64_t epochs_ = 0;
};

/// The schedule a `scheduler:` section describes; null or absent: constant. `steps_per_epoch` and
/// `epochs` size the step-based schedules; `monitor_maximizes` is plateau's default mode.
/// Throws ConfigError for an unknown name or key (with the closest valid one) or a bad value.
std::unique_ptr<Scheduler> build_scheduler(torch::optim::Optimizer& optimizer, const config::json& section,
                                           int64_t steps_per_epoch, int64_t epochs, bool monitor_maximizes);

/// The valid `name`s.
const std::vector<std::string>& scheduler_names();

}  // namespace segkit::train
