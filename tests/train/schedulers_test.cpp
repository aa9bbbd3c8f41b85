#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "segkit/core/error.h"
#include "segkit/train/optimizer_groups.h"
#include "segkit/train/plateau.h"
#include "segkit/train/schedulers.h"

namespace segkit::train {
namespace {

using config::json;
constexpr double kPi = 3.14159265358979323846;

// One single-tensor param group per rate; the schedules only touch options.
struct ScheduleFixture {
  std::vector<torch::Tensor> params;
  std::unique_ptr<torch::optim::Optimizer> optimizer;

  explicit ScheduleFixture(std::vector<double> lrs, const std::string& type = "sgd") {
    std::vector<torch::optim::OptimizerParamGroup> groups;
    for (double lr : lrs) {
      params.push_back(torch::zeros({1}, torch::requires_grad()));
      if (type == "sgd") {
        groups.emplace_back(std::vector<torch::Tensor>{params.back()},
                            std::make_unique<torch::optim::SGDOptions>(torch::optim::SGDOptions(lr).momentum(0.9)));
      } else {
        groups.emplace_back(std::vector<torch::Tensor>{params.back()},
                            std::make_unique<torch::optim::AdamOptions>(lr));
      }
    }
    if (type == "sgd") {
      optimizer = std::make_unique<torch::optim::SGD>(std::move(groups), torch::optim::SGDOptions(lrs[0]));
    } else {
      optimizer = std::make_unique<torch::optim::Adam>(std::move(groups), torch::optim::AdamOptions(lrs[0]));
    }
  }
  double lr(size_t group = 0) const { return group_lr(*optimizer, group); }
  double momentum(size_t group = 0) const { return *group_momentum(*optimizer, group); }
};

std::string scheduler_error(const json& section, int64_t steps_per_epoch = 10, int64_t epochs = 3) {
  ScheduleFixture f({0.1});
  try {
    build_scheduler(*f.optimizer, section, steps_per_epoch, epochs, true);
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ConfigError for " << section.dump();
  return "";
}

TEST(Schedulers, AbsentSectionKeepsTheRateConstant) {
  ScheduleFixture f({0.1, 0.01});
  auto scheduler = build_scheduler(*f.optimizer, nullptr, 10, 2, true);
  EXPECT_EQ(scheduler->name(), "constant");
  for (int k = 0; k < 25; ++k) scheduler->step_batch();
  scheduler->step_epoch(0.5);
  EXPECT_EQ(scheduler->lrs(), (std::vector<double>{0.1, 0.01}));
}

TEST(Schedulers, WarmupFollowsLinearLRThenTheSchedule) {
  ScheduleFixture f({0.2, 0.02});
  auto scheduler = build_scheduler(*f.optimizer, {{"warmup_steps", 8}, {"warmup_start_factor", 0.25}}, 10, 2, true);
  for (int k = 0; k <= 12; ++k) {
    const double factor = 0.25 + (1 - 0.25) * std::min(k, 8) / 8.0;  // LinearLR's closed form
    EXPECT_NEAR(f.lr(0), 0.2 * factor, 1e-15) << "step " << k;
    EXPECT_NEAR(f.lr(1), 0.02 * factor, 1e-16) << "step " << k;
    scheduler->step_batch();
  }
  ScheduleFixture g({0.3});
  auto default_factor = build_scheduler(*g.optimizer, {{"name", "constant"}, {"warmup_steps", 3}}, 10, 2, true);
  EXPECT_NEAR(g.lr(), 0.1, 1e-15);  // start_factor 1/3
}

TEST(Schedulers, StepLRDecaysEveryStepSizeEpochs) {
  ScheduleFixture f({0.4});
  auto scheduler = build_scheduler(*f.optimizer, {{"name", "step"}, {"step_size", 3}, {"gamma", 0.5}}, 5, 12, true);
  for (int epoch = 0; epoch < 12; ++epoch) {
    for (int i = 0; i < 5; ++i) {
      EXPECT_NEAR(f.lr(), 0.4 * std::pow(0.5, epoch / 3), 1e-15) << "epoch " << epoch;
      scheduler->step_batch();
    }
    scheduler->step_epoch(0.0);
  }
}

TEST(Schedulers, CosineFollowsTheClosedFormOverAllSteps) {
  for (int64_t warmup : {0, 5}) {
    ScheduleFixture f({0.1, 0.05});
    auto scheduler =
        build_scheduler(*f.optimizer, {{"name", "cosine"}, {"eta_min", 1e-4}, {"warmup_steps", warmup}}, 7, 5, true);
    const int64_t T_max = 35 - warmup;
    for (int64_t k = 0; k <= 40; ++k) {
      const int64_t t = std::min(std::max<int64_t>(k - warmup, 0), T_max);
      const double factor = warmup == 0 ? 1.0 : 1.0 / 3 + (2.0 / 3) * std::min(k, warmup) / warmup;
      for (size_t g = 0; g < 2; ++g) {
        const double base = g == 0 ? 0.1 : 0.05;
        const double expected = factor * (1e-4 + (base - 1e-4) * (1 + std::cos(kPi * t / T_max)) / 2);
        EXPECT_NEAR(f.lr(g), expected, 1e-14) << "warmup " << warmup << " step " << k;
      }
      scheduler->step_batch();
    }
  }
}

// PyTorch's CosineAnnealingWarmRestarts.step(epoch), transcribed independently.
double sgdr(double base, double eta_min, double epoch, int64_t T_0, int64_t T_mult) {
  double T_cur = epoch, T_i = static_cast<double>(T_0);
  if (epoch >= T_0) {
    if (T_mult == 1) {
      T_cur = std::fmod(epoch, static_cast<double>(T_0));
    } else {
      const int n = static_cast<int>(std::log(epoch / T_0 * (T_mult - 1) + 1) / std::log(static_cast<double>(T_mult)));
      const double power = std::pow(static_cast<double>(T_mult), n);
      T_cur = epoch - T_0 * (power - 1) / (T_mult - 1);
      T_i = T_0 * power;
    }
  }
  return eta_min + (base - eta_min) * (1 + std::cos(kPi * T_cur / T_i)) / 2;
}

TEST(Schedulers, CosineWarmRestartsMatchesTheDocsLoop) {
  for (int64_t T_mult : {1, 2, 3}) {
    ScheduleFixture f({0.1});
    const int64_t iters = 5;
    auto scheduler = build_scheduler(
        *f.optimizer, {{"name", "cosine_warm_restarts"}, {"T_0", 2}, {"T_mult", T_mult}, {"eta_min", 1e-5}}, iters,
        30, true);
    EXPECT_DOUBLE_EQ(f.lr(), 0.1);
    for (int epoch = 0; epoch < 30; ++epoch) {
      for (int i = 0; i < iters; ++i) {
        scheduler->step_batch();  // after optimizer.step(): scheduler.step(epoch + i / iters)
        const double expected = sgdr(0.1, 1e-5, epoch + static_cast<double>(i) / iters, 2, T_mult);
        ASSERT_NEAR(f.lr(), expected, 1e-13) << "T_mult " << T_mult << " epoch " << epoch << " i " << i;
      }
      scheduler->step_epoch(0.0);
    }
  }
}

// torch/optim/lr_scheduler.py OneCycleLR (__init__ phases and get_lr), transcribed.
struct PyOneCycle {
  struct Phase {
    double end_step;
    std::string start_lr, end_lr, start_momentum, end_momentum;
  };
  std::vector<Phase> phases;
  std::map<std::string, double> group;
  bool linear;

  PyOneCycle(double max_lr, int64_t total_steps, double pct_start, bool three_phase, bool linear_, double div_factor,
             double final_div_factor, double base_momentum, double max_momentum)
      : linear(linear_) {
    if (three_phase) {
      phases = {{pct_start * total_steps - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"},
                {2 * pct_start * total_steps - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"},
                {total_steps - 1.0, "initial_lr", "min_lr", "max_momentum", "max_momentum"}};
    } else {
      phases = {{pct_start * total_steps - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"},
                {total_steps - 1.0, "max_lr", "min_lr", "base_momentum", "max_momentum"}};
    }
    group["initial_lr"] = max_lr / div_factor;
    group["max_lr"] = max_lr;
    group["min_lr"] = group["initial_lr"] / final_div_factor;
    group["max_momentum"] = max_momentum;
    group["base_momentum"] = base_momentum;
  }
  double anneal(double start, double end, double pct) const {
    if (linear) return (end - start) * pct + start;
    const double cos_out = std::cos(kPi * pct) + 1;
    return end + (start - end) / 2.0 * cos_out;
  }
  std::pair<double, double> get_lr(int64_t step_num) {
    double start_step = 0;
    for (size_t i = 0; i < phases.size(); ++i) {
      const double end_step = phases[i].end_step;
      if (step_num <= end_step || i == phases.size() - 1) {
        const double pct = (step_num - start_step) / (end_step - start_step);
        return {anneal(group[phases[i].start_lr], group[phases[i].end_lr], pct),
                anneal(group[phases[i].start_momentum], group[phases[i].end_momentum], pct)};
      }
      start_step = phases[i].end_step;
    }
    return {0, 0};
  }
};

TEST(Schedulers, OneCycleMatchesPyTorchsGetLr) {
  struct Case {
    std::string optimizer;
    json section;
    double max_lr;
    int64_t total;
    double pct_start;
    bool three_phase, linear;
    double div, final_div, base_m, max_m;
  };
  const std::vector<Case> cases = {
      {"sgd", {{"name", "one_cycle"}, {"max_lr", 0.5}}, 0.5, 60, 0.3, false, false, 25, 1e4, 0.85, 0.95},
      {"adam",
       {{"name", "one_cycle"}, {"pct_start", 0.25}, {"anneal_strategy", "linear"}, {"three_phase", true},
        {"div_factor", 10}, {"final_div_factor", 100}, {"base_momentum", 0.8}, {"max_momentum", 0.9}},
       0.01, 60, 0.25, true, true, 10, 100, 0.8, 0.9},
      {"sgd", {{"name", "one_cycle"}, {"total_steps", 37}, {"pct_start", 0.4}}, 0.01, 37, 0.4, false, false, 25, 1e4,
       0.85, 0.95},
  };
  for (const auto& c : cases) {
    ScheduleFixture f({0.01}, c.optimizer);
    auto scheduler = build_scheduler(*f.optimizer, c.section, /*steps_per_epoch=*/12, /*epochs=*/5, true);
    PyOneCycle reference(c.max_lr, c.total, c.pct_start, c.three_phase, c.linear, c.div, c.final_div, c.base_m,
                         c.max_m);
    for (int64_t step = 0; step <= c.total; ++step) {
      const auto [lr, momentum] = reference.get_lr(step);
      ASSERT_NEAR(f.lr(), lr, 1e-15 + 1e-13 * lr) << c.section.dump() << " step " << step;
      ASSERT_NEAR(f.momentum(), momentum, 1e-14) << c.section.dump() << " step " << step;
      scheduler->step_batch();
    }
  }
  // Anchors: max_lr / div_factor at the start, max_lr at the end of the rise, / final_div_factor at the end.
  ScheduleFixture f({0.1});
  auto scheduler = build_scheduler(*f.optimizer, {{"name", "one_cycle"}}, 10, 10, true);
  EXPECT_NEAR(f.lr(), 0.1 / 25, 1e-17);
  for (int k = 0; k < 29; ++k) scheduler->step_batch();
  EXPECT_NEAR(f.lr(), 0.1, 1e-15);
  for (int k = 29; k < 99; ++k) scheduler->step_batch();
  EXPECT_NEAR(f.lr(), 0.1 / 25 / 1e4, 1e-18);
}

TEST(Schedulers, OneCycleUsesPerGroupMaxLr) {
  ScheduleFixture f({1.0, 1.0});
  build_scheduler(*f.optimizer, {{"name", "one_cycle"}, {"max_lr", {0.5, 0.05}}}, 10, 10, true);
  EXPECT_NEAR(f.lr(0), 0.5 / 25, 1e-15);  // cos annealing at pct 0 rounds, in PyTorch too
  EXPECT_NEAR(f.lr(1), 0.05 / 25, 1e-16);
}

// fastai's slice(lr/80, lr/2) over three groups: geometric spacing (even_mults).
TEST(Schedulers, MaxLrSliceSpacesTheGroupsGeometrically) {
  ScheduleFixture f({1.0, 1.0, 1.0});
  build_scheduler(*f.optimizer, {{"name", "one_cycle"}, {"max_lr", {{"slice", {1.25e-5, 5e-4}}}}}, 10, 10, true);
  EXPECT_NEAR(f.lr(0) * 25, 1.25e-5, 1e-18);
  EXPECT_NEAR(f.lr(1) * 25, 7.90569415e-5, 1e-12);  // sqrt(1.25e-5 * 5e-4)
  EXPECT_NEAR(f.lr(2) * 25, 5e-4, 1e-16);
  EXPECT_THROW(build_scheduler(*f.optimizer, {{"name", "one_cycle"}, {"max_lr", {{"slice", {0, 5e-4}}}}}, 10, 10, true),
               ConfigError);
}

TEST(Schedulers, PlateauReducesAfterPatienceAndCoolsDown) {
  ScheduleFixture f({0.1, 0.1});
  auto scheduler = build_scheduler(*f.optimizer,
                                   {{"name", "plateau"}, {"factor", 0.5}, {"patience", 2}, {"cooldown", 1},
                                    {"threshold", 0.01}, {"min_lr", {0.02, 0.0}}},
                                   10, 20, /*monitor_maximizes=*/false);
  const std::vector<double> metric = {1.0, 0.9, 0.895, 0.9, 0.9, 0.9, 0.9, 0.9, 0.5, 0.6,
                                      0.6, 0.6, 0.6,   0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6};
  // Worked by hand from ReduceLROnPlateau.step: 0.895 is not < 0.9 * (1 - 0.01); reductions after
  // the 3rd bad epoch at epochs 5, 12, 16, 20; the epoch after each is cooldown; group 0 stops at min_lr.
  const std::vector<double> group0 = {0.1,  0.1,   0.1,   0.1,   0.05,  0.05,  0.05,  0.05,  0.05, 0.05,
                                      0.05, 0.025, 0.025, 0.025, 0.025, 0.02,  0.02,  0.02,  0.02, 0.02};
  const std::vector<double> group1 = {0.1,  0.1,   0.1,   0.1,   0.05,  0.05,   0.05,   0.05,   0.05,   0.05,
                                      0.05, 0.025, 0.025, 0.025, 0.025, 0.0125, 0.0125, 0.0125, 0.0125, 0.00625};
  for (size_t e = 0; e < metric.size(); ++e) {
    scheduler->step_epoch(metric[e]);
    EXPECT_NEAR(f.lr(0), group0[e], 1e-15) << "epoch " << e + 1;
    EXPECT_NEAR(f.lr(1), group1[e], 1e-15) << "epoch " << e + 1;
  }
}

TEST(Schedulers, PlateauModeFollowsTheMonitorUnlessGiven) {
  ScheduleFixture f({0.1});
  auto scheduler = build_scheduler(*f.optimizer, {{"name", "plateau"}, {"patience", 0}}, 10, 20, true);
  auto& plateau = dynamic_cast<ReduceLROnPlateau&>(*scheduler);
  scheduler->step_epoch(0.5);
  scheduler->step_epoch(0.6);  // better when maximising
  EXPECT_DOUBLE_EQ(f.lr(), 0.1);
  EXPECT_DOUBLE_EQ(plateau.best(), 0.6);
  scheduler->step_epoch(0.55);
  EXPECT_NEAR(f.lr(), 0.01, 1e-17);

  ScheduleFixture g({0.1});
  const json section = {{"name", "plateau"}, {"mode", "min"}, {"patience", 0}, {"threshold_mode", "abs"},
                        {"threshold", 0.1}};
  auto absolute = build_scheduler(*g.optimizer, section, 10, 20, true);
  absolute->step_epoch(1.0);
  absolute->step_epoch(0.95);  // not 0.1 below the best
  EXPECT_NEAR(g.lr(), 0.01, 1e-17);
}

TEST(Schedulers, StateRoundTripContinuesIdentically) {
  const std::vector<json> sections = {
      {{"name", "step"}, {"step_size", 2}, {"warmup_steps", 7}},
      {{"name", "cosine"}, {"eta_min", 1e-3}, {"warmup_steps", 4}},
      {{"name", "cosine_warm_restarts"}, {"T_0", 1}, {"T_mult", 2}},
      {{"name", "one_cycle"}, {"three_phase", true}},
      {{"name", "plateau"}, {"patience", 1}, {"warmup_steps", 3}},
      {{"name", "constant"}, {"warmup_steps", 20}},
      {{"name", "phases"},
       {"phases", {{{"epochs", 3}, {"name", "one_cycle"}}, {{"epochs", 7}, {"name", "cosine"}, {"eta_min", 1e-4}}}}},
  };
  const std::vector<double> metric = {0.3, 0.2, 0.2, 0.25, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1};
  for (const auto& section : sections) {
    ScheduleFixture a({0.1, 0.01}), b({0.1, 0.01});
    auto first = build_scheduler(*a.optimizer, section, 6, 10, false);
    const auto run = [&](Scheduler& scheduler, int from, int to) {
      for (int epoch = from; epoch < to; ++epoch) {
        for (int i = 0; i < 6; ++i) scheduler.step_batch();
        scheduler.step_epoch(metric[epoch]);
      }
    };
    run(*first, 0, 4);
    const json saved = json::parse(first->state().dump());  // through text, as a checkpoint stores it
    auto second = build_scheduler(*b.optimizer, section, 6, 10, false);
    second->load_state(saved);
    EXPECT_EQ(b.lr(0), a.lr(0)) << section.dump();
    for (int epoch = 4; epoch < 10; ++epoch) {
      run(*first, epoch, epoch + 1);
      run(*second, epoch, epoch + 1);
      ASSERT_EQ(b.lr(0), a.lr(0)) << section.dump() << " epoch " << epoch;
      ASSERT_EQ(b.lr(1), a.lr(1)) << section.dump() << " epoch " << epoch;
      ASSERT_EQ(b.momentum(0), a.momentum(0)) << section.dump() << " epoch " << epoch;
    }
    EXPECT_EQ(second->state(), first->state());
  }
}

// fastai's fit_one_cycle twice (the pneumothorax pipelines): each phase is a whole schedule over its
// own epochs, starting from the configured rates.
TEST(Schedulers, PhasesRunWholeSchedulesOneAfterTheOther) {
  ScheduleFixture f({0.1, 0.1}), first({0.1, 0.1}), second({0.1, 0.1});
  const json one = {{"name", "one_cycle"}, {"max_lr", 1e-3}};
  const json two = {{"name", "one_cycle"}, {"max_lr", {1e-5, 5e-4}}};
  json phases = {{"name", "phases"}, {"phases", json::array({one, two})}};
  phases["phases"][0]["epochs"] = 2;
  phases["phases"][1]["epochs"] = 3;
  auto phased = build_scheduler(*f.optimizer, phases, /*steps_per_epoch=*/4, /*epochs=*/5, true);
  auto alone_one = build_scheduler(*first.optimizer, one, 4, 2, true);
  auto alone_two = build_scheduler(*second.optimizer, two, 4, 3, true);
  for (int epoch = 0; epoch < 5; ++epoch) {
    auto& reference = epoch < 2 ? *alone_one : *alone_two;
    auto& expected = epoch < 2 ? first : second;
    for (int step = 0; step < 4; ++step) {
      ASSERT_DOUBLE_EQ(f.lr(0), expected.lr(0)) << "epoch " << epoch << " step " << step;
      ASSERT_DOUBLE_EQ(f.lr(1), expected.lr(1)) << "epoch " << epoch << " step " << step;
      phased->step_batch();
      reference.step_batch();
    }
    phased->step_epoch(0);
    reference.step_epoch(0);
  }
  EXPECT_NE(scheduler_error({{"name", "phases"}, {"phases", {{{"epochs", 2}, {"name", "cosine"}}}}}, 10, 3)
                .find("add up to 2, but train.epochs is 3"),
            std::string::npos);
  EXPECT_NE(scheduler_error({{"name", "phases"}, {"phases", {{{"name", "cosine"}}}}}).find("needs epochs"),
            std::string::npos);
}

TEST(Schedulers, SetBaseLrRescalesTheSchedule) {
  ScheduleFixture f({0.1, 0.1});
  auto scheduler = build_scheduler(*f.optimizer, {{"name", "step"}, {"step_size", 1}, {"gamma", 0.5}}, 4, 4, true);
  scheduler->step_epoch(0);
  scheduler->set_base_lr(0, 0.4);  // e.g. new encoder rate after unfreezing
  EXPECT_DOUBLE_EQ(f.lr(0), 0.2);
  EXPECT_DOUBLE_EQ(f.lr(1), 0.05);
}

TEST(Schedulers, ConfigErrorsNameTheKeyAndSuggestTheFix) {
  EXPECT_NE(scheduler_error({{"name", "plateu"}}).find("did you mean 'plateau'"), std::string::npos);
  const std::string key = scheduler_error({{"name", "plateau"}, {"paitence", 3}});
  EXPECT_NE(key.find("scheduler 'plateau' has no key 'paitence'; did you mean 'patience'"), std::string::npos) << key;
  EXPECT_NE(scheduler_error({{"name", "cosine_warm_restarts"}, {"T0", 2}}).find("did you mean 'T_0'"),
            std::string::npos);
  EXPECT_NE(scheduler_error({{"name", "cosine_warm_restarts"}}).find("'T_0' is required"), std::string::npos);
  EXPECT_NE(scheduler_error({{"name", "step"}}).find("'step_size' is required"), std::string::npos);
  EXPECT_NE(scheduler_error({{"name", "plateau"}, {"factor", 1.0}}).find("factor should be < 1.0"), std::string::npos);
  EXPECT_NE(scheduler_error({{"name", "plateau"}, {"patience", 2.5}}).find("must be an integer"), std::string::npos);
  EXPECT_NE(scheduler_error({{"name", "one_cycle"}, {"anneal_strategy", "linaer"}}).find("did you mean 'linear'"),
            std::string::npos);
  EXPECT_NE(scheduler_error({{"name", "cosine"}, {"warmup_steps", 30}}).find("leaves no step"), std::string::npos);
  EXPECT_NE(scheduler_error({{"warmup_start_factor", 0}}).find("(0, 1]"), std::string::npos);

  ScheduleFixture f({0.1});
  auto step = build_scheduler(*f.optimizer, {{"name", "step"}, {"step_size", 2}}, 4, 4, true);
  auto cosine = build_scheduler(*f.optimizer, {{"name", "cosine"}}, 4, 4, true);
  EXPECT_THROW(cosine->load_state(step->state()), ConfigError);
}

}  // namespace
}  // namespace segkit::train
