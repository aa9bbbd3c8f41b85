#pragma once
// The closed-form schedules: constant, StepLR (per epoch), CosineAnnealingLR and
// CosineAnnealingWarmRestarts (per optimiser step). Each computes its rate from the counters alone,
// as PyTorch's closed forms do, so a resumed run continues exactly. T_max, T_0 and step_size keep
// PyTorch's spelling; options are checked on construction (ConfigError).
//
//   segkit::train::StepLR scheduler(*optimizer, {/*step_size=*/30, /*gamma=*/0.1});

#include "segkit/train/schedulers.h"

namespace segkit::train {

/// The base rates unchanged (after any warm-up).
class ConstantSchedule : public Scheduler {
 public:
  explicit ConstantSchedule(torch::optim::Optimizer& optimizer, Warmup warmup = {});
  std::string name() const override { return "constant"; }

 protected:
  std::vector<double> schedule_lrs() const override { return base_lrs_; }
};

struct StepLROptions {
  int64_t step_size = 1;  // epochs between decays
  double gamma = 0.1;
};

/// base_lr * gamma ^ (epoch // step_size), stepped per epoch.
class StepLR : public Scheduler {
 public:
  StepLR(torch::optim::Optimizer& optimizer, StepLROptions options, Warmup warmup = {});
  std::string name() const override { return "step"; }

 protected:
  std::vector<double> schedule_lrs() const override;

 private:
  StepLROptions options_;
};

struct CosineAnnealingLROptions {
  int64_t T_max = 1;  // optimiser steps of the half cosine; the rate then stays at eta_min
  double eta_min = 0.0;
};

/// eta_min + (base_lr - eta_min) * (1 + cos(pi * t / T_max)) / 2 at optimiser step t <= T_max.
class CosineAnnealingLR : public Scheduler {
 public:
  CosineAnnealingLR(torch::optim::Optimizer& optimizer, CosineAnnealingLROptions options, Warmup warmup = {});
  std::string name() const override { return "cosine"; }

 protected:
  std::vector<double> schedule_lrs() const override;

 private:
  CosineAnnealingLROptions options_;
};

struct CosineAnnealingWarmRestartsOptions {
  int64_t T_0 = 1;     // epochs to the first restart
  int64_t T_mult = 1;  // each period is T_mult times the previous one
  double eta_min = 0.0;
  int64_t steps_per_epoch = 1;
};

/// SGDR, stepped after every optimiser step with the fractional epoch `epoch + i / steps_per_epoch`
/// of the batch just done, as in the example of PyTorch's CosineAnnealingWarmRestarts.step.
class CosineAnnealingWarmRestarts : public Scheduler {
 public:
  CosineAnnealingWarmRestarts(torch::optim::Optimizer& optimizer, CosineAnnealingWarmRestartsOptions options,
                              Warmup warmup = {});
  std::string name() const override { return "cosine_warm_restarts"; }
  /// The fractional epoch the rates were computed for.
  double schedule_epoch() const;

 protected:
  std::vector<double> schedule_lrs() const override;

 private:
  CosineAnnealingWarmRestartsOptions options_;
};

}  // namespace segkit::train
