#include "segkit/train/phased_schedule.h"

#include <fmt/format.h>

#include "segkit/core/error.h"
#include "segkit/train/optimizer_groups.h"

namespace segkit::train {

PhasedSchedule::PhasedSchedule(torch::optim::Optimizer& optimizer, const config::json& phases, int64_t steps_per_epoch,
                               int64_t epochs, bool monitor_maximizes)
    : Scheduler(optimizer, Warmup{}), steps_per_epoch_(steps_per_epoch), monitor_maximizes_(monitor_maximizes) {
  for (size_t group = 0; group < base_lrs_.size(); ++group) momenta_.push_back(group_momentum(optimizer, group));
  if (!phases.is_array() || phases.empty()) fail("phases must be a non-empty list of scheduler sections");
  int64_t total = 0;
  for (size_t i = 0; i < phases.size(); ++i) {
    const auto& phase = phases[i];
    const auto where = fmt::format("phases[{}]", i);
    if (!phase.is_object() || !phase.contains("epochs") || !phase["epochs"].is_number_integer() ||
        phase["epochs"].get<int64_t>() < 1) {
      fail(where + " needs epochs: N (N >= 1) beside its schedule");
    }
    if (phase.value("name", "") == "phases") fail(where + " cannot itself be phases");
    auto section = phase;
    section.erase("epochs");
    sections_.push_back(section);
    phase_epochs_.push_back(phase["epochs"].get<int64_t>());
    total += phase_epochs_.back();
  }
  if (total != epochs) {
    fail(fmt::format("the phases' epochs add up to {}, but train.epochs is {}", total, epochs));
  }
  start_phase(0);
}

void PhasedSchedule::start_phase(size_t index) {
  for (size_t group = 0; group < base_lrs_.size(); ++group) {
    set_group_lr(optimizer_, group, base_lrs_[group]);
    if (momenta_[group]) set_group_momentum(optimizer_, group, *momenta_[group]);  // one_cycle cycles it
  }
  current_.reset();
  current_ = build_scheduler(optimizer_, sections_.at(index), steps_per_epoch_, phase_epochs_.at(index),
                             monitor_maximizes_);
  phase_ = index;
  epochs_in_phase_ = 0;
}

void PhasedSchedule::step_batch() {
  Scheduler::step_batch();  // counts; apply() is ours, a no-op
  current_->step_batch();
}

void PhasedSchedule::step_epoch(double monitored) {
  Scheduler::step_epoch(monitored);
  current_->step_epoch(monitored);
  ++epochs_in_phase_;
  if (epochs_in_phase_ >= phase_epochs_[phase_] && phase_ + 1 < sections_.size()) start_phase(phase_ + 1);
}

void PhasedSchedule::set_base_lr(size_t group, double lr) {
  // Later phases start from it too (an encoder unfrozen with its own rate keeps it).
  base_lrs_.at(group) = lr;
  current_->set_base_lr(group, lr);
}

config::json PhasedSchedule::state() const {
  auto state = Scheduler::state();
  state["phase"] = phase_;
  state["epochs_in_phase"] = epochs_in_phase_;
  state["current"] = current_->state();
  return state;
}

void PhasedSchedule::load_state(const config::json& state) {
  Scheduler::load_state(state);
  try {
    const auto phase = state.at("phase").get<size_t>();
    if (phase >= sections_.size()) fail(fmt::format("the saved state is in phase {} of {}", phase, sections_.size()));
    start_phase(phase);
    epochs_in_phase_ = state.at("epochs_in_phase").get<int64_t>();
    current_->load_state(state.at("current"));
  } catch (const config::json::exception& e) {
    fail(std::string("malformed state: ") + e.what());
  }
}

}  // namespace segkit::train
