#include "segkit/core/error.h"
#include "segkit/core/strings.h"
#include "segkit/train/lr_schedules.h"
#include "segkit/train/one_cycle.h"
#include "segkit/train/phased_schedule.h"
#include "segkit/train/plateau.h"
#include "segkit/train/schedulers.h"
#include "segkit/train/section_args.h"

namespace segkit::train {

const std::vector<std::string>& scheduler_names() {
  static const std::vector<std::string> names = {"constant", "step", "plateau", "cosine", "cosine_warm_restarts",
                                                 "one_cycle", "phases"};
  return names;
}

std::unique_ptr<Scheduler> build_scheduler(torch::optim::Optimizer& optimizer, const config::json& section,
                                           int64_t steps_per_epoch, int64_t epochs, bool monitor_maximizes) {
  std::string name = "constant";
  if (!section.is_null()) name = SectionArgs(section, "scheduler").choice("name", name, scheduler_names());
  if (name == "phases") {
    SectionArgs args(section, "scheduler 'phases'");
    args.declare("name");
    args.declare("phases");
    args.declare("monitor");  // read by the trainer (train_options.h)
    args.finish();
    return std::make_unique<PhasedSchedule>(optimizer, section["phases"], steps_per_epoch, epochs, monitor_maximizes);
  }
  SectionArgs args(section, "scheduler '" + name + "'");
  args.declare("name");
  args.declare("monitor");  // read by the trainer (train_options.h)
  Warmup warmup;
  warmup.steps = args.integer("warmup_steps", warmup.steps);
  warmup.start_factor = args.number("warmup_start_factor", warmup.start_factor);
  const size_t groups = optimizer.param_groups().size();

  // The step-based schedules fill the training that remains after the warm-up.
  const auto steps_left = [&]() {
    if (steps_per_epoch < 1 || epochs < 1) {
      args.fail("name", "needs steps_per_epoch >= 1 and epochs >= 1 (got " + std::to_string(steps_per_epoch) +
                            " and " + std::to_string(epochs) + ")");
    }
    const int64_t left = steps_per_epoch * epochs - warmup.steps;
    if (left < 1) {
      args.fail("warmup_steps", "(" + std::to_string(warmup.steps) + ") leaves no step of the " +
                                    std::to_string(steps_per_epoch * epochs) + " in the run for the schedule");
    }
    return left;
  };

  std::unique_ptr<Scheduler> scheduler;
  if (name == "step") {
    StepLROptions o;
    const auto step_size = args.optional_integer("step_size");
    o.gamma = args.number("gamma", o.gamma);
    args.finish();
    if (!step_size) args.fail("step_size", "is required (epochs between decays)");
    o.step_size = *step_size;
    scheduler = std::make_unique<StepLR>(optimizer, o, warmup);
  } else if (name == "plateau") {
    ReduceLROnPlateauOptions o;
    o.mode = args.choice("mode", monitor_maximizes ? "max" : "min", {"min", "max"});
    o.factor = args.number("factor", o.factor);
    o.patience = args.integer("patience", o.patience);
    o.threshold = args.number("threshold", o.threshold);
    o.threshold_mode = args.choice("threshold_mode", o.threshold_mode, {"rel", "abs"});
    o.cooldown = args.integer("cooldown", o.cooldown);
    o.min_lr = args.per_group("min_lr", groups).value_or(o.min_lr);
    o.eps = args.number("eps", o.eps);
    args.finish();
    scheduler = std::make_unique<ReduceLROnPlateau>(optimizer, o, warmup);
  } else if (name == "cosine") {
    CosineAnnealingLROptions o;
    const auto T_max = args.optional_integer("T_max");
    o.eta_min = args.number("eta_min", o.eta_min);
    args.finish();
    o.T_max = T_max ? *T_max : steps_left();
    scheduler = std::make_unique<CosineAnnealingLR>(optimizer, o, warmup);
  } else if (name == "cosine_warm_restarts") {
    CosineAnnealingWarmRestartsOptions o;
    const auto T_0 = args.optional_integer("T_0");
    o.T_mult = args.integer("T_mult", o.T_mult);
    o.eta_min = args.number("eta_min", o.eta_min);
    args.finish();
    if (!T_0) args.fail("T_0", "is required (epochs to the first restart)");
    o.T_0 = *T_0;
    o.steps_per_epoch = steps_per_epoch;
    scheduler = std::make_unique<CosineAnnealingWarmRestarts>(optimizer, o, warmup);
  } else if (name == "one_cycle") {
    OneCycleLROptions o;
    o.max_lr = args.per_group("max_lr", groups).value_or(o.max_lr);
    const auto total_steps = args.optional_integer("total_steps");
    o.pct_start = args.number("pct_start", o.pct_start);
    o.anneal_strategy = args.choice("anneal_strategy", o.anneal_strategy, {"cos", "linear"});
    o.cycle_momentum = args.boolean("cycle_momentum", o.cycle_momentum);
    o.base_momentum = args.per_group("base_momentum", groups).value_or(o.base_momentum);
    o.max_momentum = args.per_group("max_momentum", groups).value_or(o.max_momentum);
    o.div_factor = args.number("div_factor", o.div_factor);
    o.final_div_factor = args.number("final_div_factor", o.final_div_factor);
    o.three_phase = args.boolean("three_phase", o.three_phase);
    args.finish();
    o.total_steps = total_steps ? *total_steps : steps_left();
    scheduler = std::make_unique<OneCycleLR>(optimizer, o, warmup);
  } else {
    args.finish();
    scheduler = std::make_unique<ConstantSchedule>(optimizer, warmup);
  }
  return scheduler;
}

}  // namespace segkit::train
