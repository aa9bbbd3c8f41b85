#pragma once
// PyTorch's OneCycleLR, stepped after every optimiser step: the rate rises from max_lr / div_factor
// to max_lr over pct_start of total_steps, then anneals to initial_lr / final_div_factor (three_phase:
// back to the initial rate first, then down). With cycle_momentum, SGD's momentum or Adam's beta1
// moves the opposite way between max_momentum and base_momentum. Past total_steps the rates hold
// where PyTorch would raise.
//
//   segkit::train::OneCycleLROptions options;
//   options.total_steps = epochs * steps_per_epoch;
//   segkit::train::OneCycleLR scheduler(*optimizer, options);

#include <string>
#include <vector>

#include "segkit/train/schedulers.h"

namespace segkit::train {

struct OneCycleLROptions {
  std::vector<double> max_lr{};  // empty: the groups' current rates; one value: every group
  int64_t total_steps = 1;
  double pct_start = 0.3;
  std::string anneal_strategy = "cos";  // cos | linear
  bool cycle_momentum = true;
  std::vector<double> base_momentum{0.85};  // one value or one per group
  std::vector<double> max_momentum{0.95};
  double div_factor = 25.0;
  double final_div_factor = 1e4;
  bool three_phase = false;
};

class OneCycleLR : public Scheduler {
 public:
  /// Throws ConfigError for bad options, or cycle_momentum with an optimiser that has no momentum.
  OneCycleLR(torch::optim::Optimizer& optimizer, OneCycleLROptions options, Warmup warmup = {});
  std::string name() const override { return "one_cycle"; }

 protected:
  std::vector<double> schedule_lrs() const override;
  void apply() override;

 private:
  enum Anchor { kInitial = 0, kMax = 1, kMin = 2 };
  struct Phase {
    double end_step = 0;
    Anchor start_lr = kInitial, end_lr = kMax;
    bool start_momentum_max = true, end_momentum_max = false;
  };
  /// get_lr() for one group at the current step: {lr, momentum}.
  std::pair<double, double> at(size_t group) const;
  double anneal(double start, double end, double pct) const;

  OneCycleLROptions options_;
  std::vector<Phase> phases_;
  std::vector<double> base_momentum_, max_momentum_;
};

}  // namespace segkit::train
