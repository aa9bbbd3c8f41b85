#pragma once
// PyTorch's ReduceLROnPlateau, stepped after every epoch's validation with the monitored value:
// after more than `patience` epochs without an improvement (beyond `threshold`), every group's rate
// is multiplied by `factor` (not below min_lr; changes smaller than eps are skipped), then `cooldown`
// epochs pass before bad epochs count again. The reduced rates are this schedule's own state, so a
// warm-up multiplies them without being mistaken for a reduction.
//
//   segkit::train::ReduceLROnPlateauOptions options;
//   options.mode = "max";   // a score such as val.dice
//   segkit::train::ReduceLROnPlateau scheduler(*optimizer, options);
//   scheduler.step_epoch(dice);

#include <limits>
#include <string>
#include <vector>

#include "segkit/train/schedulers.h"

namespace segkit::train {

struct ReduceLROnPlateauOptions {
  std::string mode = "min";  // min | max
  double factor = 0.1;
  int64_t patience = 10;
  double threshold = 1e-4;
  std::string threshold_mode = "rel";  // rel | abs
  int64_t cooldown = 0;
  std::vector<double> min_lr{0.0};  // one value or one per group
  double eps = 1e-8;
};

class ReduceLROnPlateau : public Scheduler {
 public:
  /// Throws ConfigError for bad options (factor >= 1, unknown mode, ...), as PyTorch's ValueErrors.
  ReduceLROnPlateau(torch::optim::Optimizer& optimizer, ReduceLROnPlateauOptions options, Warmup warmup = {});
  std::string name() const override { return "plateau"; }

  void step_epoch(double monitored) override;
  config::json state() const override;
  void load_state(const config::json& state) override;
  void set_base_lr(size_t group, double lr) override;

  double best() const { return best_; }
  int64_t num_bad_epochs() const { return num_bad_epochs_; }
  int64_t cooldown_counter() const { return cooldown_counter_; }

 protected:
  std::vector<double> schedule_lrs() const override { return lrs_; }

 private:
  bool is_better(double a, double best) const;
  double mode_worse() const;

  ReduceLROnPlateauOptions options_;
  std::vector<double> min_lrs_;
  std::vector<double> lrs_;  // the reduced rates
  double best_ = 0;
  int64_t num_bad_epochs_ = 0;
  int64_t cooldown_counter_ = 0;
};

}  // namespace segkit::train
