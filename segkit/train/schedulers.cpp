#include "segkit/train/schedulers.h"

#include <algorithm>

#include "segkit/core/error.h"
#include "segkit/train/optimizer_groups.h"

namespace segkit::train {

double Warmup::factor(int64_t step) const {
  if (steps <= 0) return 1.0;
  return start_factor + (1.0 - start_factor) * static_cast<double>(std::min(steps, step)) / static_cast<double>(steps);
}

Scheduler::Scheduler(torch::optim::Optimizer& optimizer, Warmup warmup) : optimizer_(optimizer), warmup_(warmup) {
  for (size_t group = 0; group < optimizer.param_groups().size(); ++group) {
    base_lrs_.push_back(group_lr(optimizer, group));
  }
  // name() is not callable yet (pure virtual during construction), hence no fail().
  if (warmup_.steps < 0) {
    throw ConfigError("scheduler: warmup_steps must be >= 0, got " + std::to_string(warmup_.steps));
  }
  if (!(warmup_.start_factor > 0 && warmup_.start_factor <= 1)) {
    // LinearLR's own check.
    throw ConfigError("scheduler: warmup_start_factor must lie in (0, 1], got " + std::to_string(warmup_.start_factor));
  }
}

void Scheduler::fail(const std::string& message) const {
  throw ConfigError("scheduler '" + name() + "': " + message);
}

int64_t Scheduler::steps_after_warmup() const { return std::max<int64_t>(0, batch_steps_ - warmup_.steps); }

void Scheduler::apply() {
  const double factor = warmup_.factor(batch_steps_);
  const auto lrs = schedule_lrs();
  for (size_t group = 0; group < lrs.size(); ++group) set_group_lr(optimizer_, group, factor * lrs[group]);
}

void Scheduler::step_batch() {
  ++batch_steps_;
  apply();
}

void Scheduler::step_epoch(double /*monitored*/) {
  ++epochs_;
  apply();
}

void Scheduler::set_base_lr(size_t group, double lr) {
  base_lrs_.at(group) = lr;
  apply();
}

std::vector<double> Scheduler::lrs() const {
  std::vector<double> lrs;
  for (size_t group = 0; group < optimizer_.param_groups().size(); ++group) lrs.push_back(group_lr(optimizer_, group));
  return lrs;
}

config::json Scheduler::state() const {
  return {{"name", name()}, {"batch_steps", batch_steps_}, {"epochs", epochs_}, {"base_lrs", base_lrs_}};
}

void Scheduler::load_state(const config::json& state) {
  try {
    const auto saved = state.at("name").get<std::string>();
    if (saved != name()) fail("the saved state belongs to scheduler '" + saved + "'; resume with the same schedule");
    const auto base_lrs = state.at("base_lrs").get<std::vector<double>>();
    if (base_lrs.size() != base_lrs_.size()) {
      fail("the saved state has " + std::to_string(base_lrs.size()) + " param groups, the optimiser " +
           std::to_string(base_lrs_.size()));
    }
    base_lrs_ = base_lrs;
    batch_steps_ = state.at("batch_steps").get<int64_t>();
    epochs_ = state.at("epochs").get<int64_t>();
  } catch (const config::json::exception& e) {
    fail(std::string("malformed state: ") + e.what());
  }
  apply();
}

}  // namespace segkit::train
