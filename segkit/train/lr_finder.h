#pragma once
// fastai's learning-rate finder (`lr_find`), and the first step of the buildings pipeline's
// hyperparameter search: train from the config's initial weights for `steps` batches while the rate
// grows exponentially from `start_lr` to `end_lr`, record the loss, and suggest a rate.
//
//   LrFindOptions options;                       // 1e-7 .. 10 over 100 steps, as fastai
//   auto result = find_lr(config, "configs", options);
//   std::printf("%g\n", result.suggested_lr);
//
// Rates: every param group follows the schedule at its configured share of the largest group's rate
// (encoder_lr 1e-4 with lr 1e-3 keeps the encoder at a tenth), in float32, on the training part of
// train.fold. The loss is smoothed as fastai does (an exponential moving average, beta 0.98, with
// bias correction); the run stops early when the smoothed loss exceeds 4x its minimum (diverged).
// Suggestions: `steep`, the rate where the smoothed loss falls fastest (fastai v1's suggestion), and
// `minimum / 10`, a tenth of the rate at the lowest smoothed loss. The model is not saved.

#include <filesystem>
#include <vector>

#include "segkit/config/config_loader.h"

namespace segkit::train {

struct LrFindOptions {
  double start_lr = 1e-7;
  double end_lr = 10.0;
  int steps = 100;
  bool stop_on_divergence = true;
};

struct LrFindPoint {
  int step = 0;
  double lr = 0.0;  ///< the largest group's rate
  double loss = 0.0;
  double smoothed_loss = 0.0;
};

struct LrFindResult {
  std::vector<LrFindPoint> points;
  double steep_lr = 0.0;        ///< steepest descent of the smoothed loss
  double minimum_lr = 0.0;      ///< at the lowest smoothed loss
  double suggested_lr = 0.0;    ///< steep_lr
  bool diverged = false;
};

/// Throws ConfigError for options out of range (start_lr >= end_lr, steps < 2) and whatever building
/// the data, model, loss and optimiser throws (located at the config key, as `train`).
LrFindResult find_lr(const config::Config& config, const std::filesystem::path& config_dir, const LrFindOptions& options);

/// lr_find.csv (step, lr, loss, smoothed_loss) and lr_find.html (the curve on a log axis, the
/// suggestions) in `dir`, each written atomically.
void write_lr_find(const std::filesystem::path& dir, const LrFindResult& result);

}  // namespace segkit::train
