#include "segkit/train/one_cycle.h"

#include <cmath>

#include "segkit/train/optimizer_groups.h"

namespace segkit::train {
namespace {
std::vector<double> broadcast_per_group(const std::vector<double>& values, size_t groups) {
  return values.size() == 1 ? std::vector<double>(groups, values.front()) : values;
}
}  // namespace

OneCycleLR::OneCycleLR(torch::optim::Optimizer& optimizer, OneCycleLROptions options, Warmup warmup)
    : Scheduler(optimizer, warmup), options_(std::move(options)) {
  const size_t groups = base_lrs_.size();
  const auto& o = options_;
  if (!o.max_lr.empty()) {
    if (o.max_lr.size() != 1 && o.max_lr.size() != groups) fail("max_lr needs one value or one per param group");
    base_lrs_ = broadcast_per_group(o.max_lr, groups);
  }
  base_momentum_ = broadcast_per_group(o.base_momentum, groups);
  max_momentum_ = broadcast_per_group(o.max_momentum, groups);
  if (base_momentum_.size() != groups || max_momentum_.size() != groups) {
    fail("base_momentum and max_momentum need one value or one per param group");
  }
  if (o.total_steps < 1) fail("total_steps must be >= 1, got " + std::to_string(o.total_steps));
  if (!(o.pct_start >= 0 && o.pct_start <= 1)) fail("pct_start must lie in [0, 1], got " + std::to_string(o.pct_start));
  if (o.anneal_strategy != "cos" && o.anneal_strategy != "linear") fail("anneal_strategy must be cos or linear");
  if (o.div_factor <= 0 || o.final_div_factor <= 0) fail("div_factor and final_div_factor must be > 0");
  if (o.cycle_momentum && !group_momentum(optimizer_, 0)) {
    fail("cycle_momentum needs an optimiser with momentum or betas (sgd, adam, adamw)");
  }

  // torch/optim/lr_scheduler.py, OneCycleLR.__init__: the phases' end steps are floats.
  const auto total = static_cast<double>(o.total_steps);
  if (o.three_phase) {
    phases_ = {{o.pct_start * total - 1, kInitial, kMax, true, false},
               {2 * o.pct_start * total - 2, kMax, kInitial, false, true},
               {total - 1, kInitial, kMin, true, true}};
  } else {
    phases_ = {{o.pct_start * total - 1, kInitial, kMax, true, false}, {total - 1, kMax, kMin, false, true}};
  }
  // PyTorch divides by zero (ZeroDivisionError) on an empty phase; say why instead.
  double start = 0;
  for (size_t i = 0; i < phases_.size(); ++i) {
    if (phases_[i].end_step - start == 0) {
      fail("total_steps " + std::to_string(o.total_steps) + " is too small for pct_start " +
           std::to_string(o.pct_start) + ": a phase would last zero steps");
    }
    start = phases_[i].end_step;
  }
  apply();
}

double OneCycleLR::anneal(double start, double end, double pct) const {
  if (options_.anneal_strategy == "linear") return (end - start) * pct + start;
  const double cos_out = std::cos(Scheduler::kPi * pct) + 1;
  return end + (start - end) / 2.0 * cos_out;
}

// OneCycleLR.get_lr, line for line.
std::pair<double, double> OneCycleLR::at(size_t group) const {
  const auto step_num = static_cast<double>(std::min(steps_after_warmup(), options_.total_steps));
  const double initial_lr = base_lrs_[group] / options_.div_factor;
  const double anchors[3] = {initial_lr, base_lrs_[group], initial_lr / options_.final_div_factor};
  double start_step = 0;
  for (size_t i = 0; i < phases_.size(); ++i) {
    const Phase& phase = phases_[i];
    if (step_num <= phase.end_step || i + 1 == phases_.size()) {
      const double pct = (step_num - start_step) / (phase.end_step - start_step);
      const double lr = anneal(anchors[phase.start_lr], anchors[phase.end_lr], pct);
      const auto momentum = [&](bool max) { return max ? max_momentum_[group] : base_momentum_[group]; };
      return {lr, anneal(momentum(phase.start_momentum_max), momentum(phase.end_momentum_max), pct)};
    }
    start_step = phase.end_step;
  }
  return {anchors[kMin], max_momentum_[group]};  // unreachable: the last phase always matches
}

std::vector<double> OneCycleLR::schedule_lrs() const {
  std::vector<double> lrs;
  for (size_t group = 0; group < base_lrs_.size(); ++group) lrs.push_back(at(group).first);
  return lrs;
}

void OneCycleLR::apply() {
  Scheduler::apply();
  if (!options_.cycle_momentum) return;
  for (size_t group = 0; group < base_lrs_.size(); ++group) set_group_momentum(optimizer_, group, at(group).second);
}

}  // namespace segkit::train
