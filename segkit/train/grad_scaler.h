#pragma once
// Loss scaling for float16 training (what torch.cuda.amp.GradScaler does): float16 gradients of small
// losses underflow to zero, so the loss is multiplied by a large scale before backward and the
// gradients divided by it before the optimiser step. A step whose gradients overflowed (Inf/NaN) is
// skipped and the scale halved; after `growth_interval` good steps in a row the scale doubles.
// bfloat16 has float32's exponent range and needs none of this: a disabled scaler passes through.
//
//   GradScaler scaler(precision == nn::Precision::kFloat16);
//   scaler.scale(loss).backward();
//   auto grads = ...;                       // after any all-reduce
//   if (scaler.unscale(grads)) optimizer.step();
//   scaler.update();

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace segkit::train {

struct GradScalerOptions {
  double init_scale = 65536.0;
  double growth_factor = 2.0;
  double backoff_factor = 0.5;
  int64_t growth_interval = 2000;
};

class GradScaler {
 public:
  explicit GradScaler(bool enabled, GradScalerOptions options = {});

  bool enabled() const { return enabled_; }
  double scale_value() const { return scale_; }
  int64_t good_steps() const { return good_steps_; }

  /// `loss` times the scale (the loss itself when disabled).
  torch::Tensor scale(const torch::Tensor& loss) const;

  /// Divides `grads` by the scale in place; false when any of them holds an Inf or NaN (the step must
  /// then be skipped). Always true when disabled, without looking at the gradients.
  bool unscale(std::vector<torch::Tensor>& grads);

  /// After each optimiser step (taken or skipped): backs off after an overflow, grows after
  /// growth_interval clean steps.
  void update();

  /// Checkpointed with the run so that a resumed run scales exactly as the uninterrupted one.
  void restore(double scale, int64_t good_steps);

 private:
  bool enabled_;
  GradScalerOptions options_;
  double scale_;
  int64_t good_steps_ = 0;
  bool overflowed_ = false;
};

}  // namespace segkit::train
