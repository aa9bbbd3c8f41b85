#include "segkit/train/plateau.h"

#include <cmath>

namespace segkit::train {

ReduceLROnPlateau::ReduceLROnPlateau(torch::optim::Optimizer& optimizer, ReduceLROnPlateauOptions options,
                                     Warmup warmup)
    : Scheduler(optimizer, warmup), options_(std::move(options)), lrs_(base_lrs_) {
  const auto& o = options_;
  if (o.factor >= 1.0) fail("factor should be < 1.0, got " + std::to_string(o.factor));
  if (o.mode != "min" && o.mode != "max") fail("mode must be min or max, got '" + o.mode + "'");
  if (o.threshold_mode != "rel" && o.threshold_mode != "abs") fail("threshold_mode must be rel or abs");
  if (o.patience < 0 || o.cooldown < 0) fail("patience and cooldown must be >= 0");
  min_lrs_ = o.min_lr.size() == 1 ? std::vector<double>(lrs_.size(), o.min_lr.front()) : o.min_lr;
  if (min_lrs_.size() != lrs_.size()) {
    fail("expected " + std::to_string(lrs_.size()) + " min_lrs (one per param group), got " +
         std::to_string(o.min_lr.size()));
  }
  best_ = mode_worse();
  apply();
}

double ReduceLROnPlateau::mode_worse() const {
  return options_.mode == "min" ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
}

bool ReduceLROnPlateau::is_better(double a, double best) const {
  const double threshold = options_.threshold;
  const bool relative = options_.threshold_mode == "rel";
  if (options_.mode == "min") return relative ? a < best * (1. - threshold) : a < best - threshold;
  return relative ? a > best * (threshold + 1.) : a > best + threshold;
}

// ReduceLROnPlateau.step and _reduce_lr, line for line.
void ReduceLROnPlateau::step_epoch(double monitored) {
  if (is_better(monitored, best_)) {
    best_ = monitored;
    num_bad_epochs_ = 0;
  } else {
    num_bad_epochs_ += 1;
  }
  if (cooldown_counter_ > 0) {
    cooldown_counter_ -= 1;
    num_bad_epochs_ = 0;  // bad epochs in cooldown are ignored
  }
  if (num_bad_epochs_ > options_.patience) {
    for (size_t i = 0; i < lrs_.size(); ++i) {
      const double old_lr = lrs_[i];
      const double new_lr = std::max(old_lr * options_.factor, min_lrs_[i]);
      if (old_lr - new_lr > options_.eps) lrs_[i] = new_lr;
    }
    cooldown_counter_ = options_.cooldown;
    num_bad_epochs_ = 0;
  }
  Scheduler::step_epoch(monitored);
}

void ReduceLROnPlateau::set_base_lr(size_t group, double lr) {
  lrs_.at(group) = lr;
  Scheduler::set_base_lr(group, lr);
}

namespace {
// JSON has no infinity; the initial best is one.
config::json encode_non_finite(double value) {
  if (std::isfinite(value)) return value;
  return std::isnan(value) ? "nan" : value > 0 ? "inf" : "-inf";
}
double decode_non_finite(const config::json& value) {
  if (value.is_number()) return value.get<double>();
  const auto text = value.get<std::string>();
  if (text == "nan") return std::numeric_limits<double>::quiet_NaN();
  return text == "inf" ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
}
}  // namespace

config::json ReduceLROnPlateau::state() const {
  config::json state = Scheduler::state();
  state["lrs"] = lrs_;
  state["best"] = encode_non_finite(best_);
  state["num_bad_epochs"] = num_bad_epochs_;
  state["cooldown_counter"] = cooldown_counter_;
  return state;
}

void ReduceLROnPlateau::load_state(const config::json& state) {
  Scheduler::load_state(state);  // checks the name and group count first
  try {
    const auto lrs = state.at("lrs").get<std::vector<double>>();
    if (lrs.size() != lrs_.size()) fail("state holds " + std::to_string(lrs.size()) + " group rates");
    lrs_ = lrs;
    best_ = decode_non_finite(state.at("best"));
    num_bad_epochs_ = state.at("num_bad_epochs").get<int64_t>();
    cooldown_counter_ = state.at("cooldown_counter").get<int64_t>();
  } catch (const config::json::exception& e) {
    fail(std::string("malformed state: ") + e.what());
  }
  apply();
}

}  // namespace segkit::train
