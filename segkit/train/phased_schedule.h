#pragma once
// Schedules one after the other, each over its own number of epochs (PyTorch's SequentialLR with
// whole schedules as phases; fastai's fit_one_cycle called twice, as the pneumothorax pipelines
// trained 8 frozen epochs, then 10 unfrozen ones with a new cycle):
//
//   scheduler:
//     name: phases
//     phases:
//       - {epochs: 8, name: one_cycle, max_lr: 1.0e-3}
//       - {epochs: 10, name: one_cycle, max_lr: [1.25e-5, 1.118e-4, 5.0e-4]}
//
// Each phase is a `scheduler:` section of its own (any name but phases) plus `epochs`; the epochs add
// up to train.epochs. A phase starts from the optimiser's configured rates and momentum (not where
// the previous phase left them) and sizes its step-based schedule to its own epochs.

#include <memory>
#include <optional>
#include <vector>

#include "segkit/train/schedulers.h"

namespace segkit::train {

class PhasedSchedule : public Scheduler {
 public:
  /// Throws ConfigError when a phase is malformed or the epochs do not add up to `epochs`.
  PhasedSchedule(torch::optim::Optimizer& optimizer, const config::json& phases, int64_t steps_per_epoch,
                 int64_t epochs, bool monitor_maximizes);

  void step_batch() override;
  void step_epoch(double monitored) override;
  config::json state() const override;
  void load_state(const config::json& state) override;
  std::string name() const override { return "phases"; }
  void set_base_lr(size_t group, double lr) override;

 protected:
  std::vector<double> schedule_lrs() const override { return lrs(); }
  void apply() override {}  // the current phase writes the rates

 private:
  /// Restores the configured rates and builds phase `index` over them.
  void start_phase(size_t index);

  std::vector<config::json> sections_;
  std::vector<int64_t> phase_epochs_;
  std::vector<std::optional<double>> momenta_;  // the configured momentum per group
  int64_t steps_per_epoch_;
  bool monitor_maximizes_;
  size_t phase_ = 0;
  int64_t epochs_in_phase_ = 0;
  std::unique_ptr<Scheduler> current_;
};

}  // namespace segkit::train
