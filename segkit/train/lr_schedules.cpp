#include "segkit/train/lr_schedules.h"

#include <cmath>

namespace segkit::train {
namespace {
double cosine_annealed(double base, double eta_min, double t, double period) {
  return eta_min + (base - eta_min) * (1 + std::cos(Scheduler::kPi * t / period)) / 2;
}
}  // namespace

ConstantSchedule::ConstantSchedule(torch::optim::Optimizer& optimizer, Warmup warmup)
    : Scheduler(optimizer, warmup) {
  apply();
}

StepLR::StepLR(torch::optim::Optimizer& optimizer, StepLROptions options, Warmup warmup)
    : Scheduler(optimizer, warmup), options_(options) {
  if (options_.step_size < 1) fail("step_size must be >= 1, got " + std::to_string(options_.step_size));
  apply();
}

std::vector<double> StepLR::schedule_lrs() const {
  const double scale = std::pow(options_.gamma, static_cast<double>(epochs() / options_.step_size));
  std::vector<double> lrs;
  for (double base : base_lrs_) lrs.push_back(base * scale);
  return lrs;
}

CosineAnnealingLR::CosineAnnealingLR(torch::optim::Optimizer& optimizer, CosineAnnealingLROptions options,
                                     Warmup warmup)
    : Scheduler(optimizer, warmup), options_(options) {
  if (options_.T_max < 1) fail("T_max must be >= 1 step, got " + std::to_string(options_.T_max));
  apply();
}

// PyTorch's closed form; past T_max it would climb back up, a rate no run wants, so it holds eta_min.
std::vector<double> CosineAnnealingLR::schedule_lrs() const {
  const auto t = static_cast<double>(std::min(steps_after_warmup(), options_.T_max));
  const auto period = static_cast<double>(options_.T_max);
  std::vector<double> lrs;
  for (double base : base_lrs_) lrs.push_back(cosine_annealed(base, options_.eta_min, t, period));
  return lrs;
}

CosineAnnealingWarmRestarts::CosineAnnealingWarmRestarts(torch::optim::Optimizer& optimizer,
                                                         CosineAnnealingWarmRestartsOptions options, Warmup warmup)
    : Scheduler(optimizer, warmup), options_(options) {
  if (options_.T_0 < 1) fail("T_0 must be an integer >= 1, got " + std::to_string(options_.T_0));
  if (options_.T_mult < 1) fail("T_mult must be an integer >= 1, got " + std::to_string(options_.T_mult));
  if (options_.steps_per_epoch < 1) fail("needs steps_per_epoch >= 1");
  apply();
}

double CosineAnnealingWarmRestarts::schedule_epoch() const {
  // The batch just finished is number `done - 1`; before any, PyTorch's initial epoch 0.
  const int64_t done = steps_after_warmup();
  if (done == 0) return 0.0;
  const int64_t batch = done - 1;
  return static_cast<double>(batch / options_.steps_per_epoch) +
         static_cast<double>(batch % options_.steps_per_epoch) / static_cast<double>(options_.steps_per_epoch);
}

// CosineAnnealingWarmRestarts.step(epoch) with a given epoch, line for line.
std::vector<double> CosineAnnealingWarmRestarts::schedule_lrs() const {
  const double epoch = schedule_epoch();
  const auto T_0 = static_cast<double>(options_.T_0);
  double T_cur = epoch;
  double T_i = T_0;
  if (epoch >= T_0) {
    if (options_.T_mult == 1) {
      T_cur = std::fmod(epoch, T_0);
    } else {
      const auto mult = static_cast<double>(options_.T_mult);
      const auto n = static_cast<int64_t>(std::log(epoch / T_0 * (mult - 1) + 1) / std::log(mult));
      int64_t power = 1;
      for (int64_t k = 0; k < n; ++k) power *= options_.T_mult;
      T_cur = epoch - static_cast<double>(options_.T_0 * (power - 1)) / (mult - 1);
      T_i = T_0 * static_cast<double>(power);
    }
  }
  std::vector<double> lrs;
  for (double base : base_lrs_) lrs.push_back(cosine_annealed(base, options_.eta_min, T_cur, T_i));
  return lrs;
}

}  // namespace segkit::train
