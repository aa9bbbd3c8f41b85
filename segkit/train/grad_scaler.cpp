#include "segkit/train/grad_scaler.h"

namespace segkit::train {

GradScaler::GradScaler(bool enabled, GradScalerOptions options)
    : enabled_(enabled), options_(options), scale_(options.init_scale) {}

torch::Tensor GradScaler::scale(const torch::Tensor& loss) const { return enabled_ ? loss * scale_ : loss; }

bool GradScaler::unscale(std::vector<torch::Tensor>& grads) {
  if (!enabled_) return true;
  overflowed_ = false;
  if (grads.empty()) return true;
  // Unscaled in float32 whatever the gradients' type, so that the inverse of a large scale does not
  // round; one synchronising read for all the finiteness checks.
  const double inverse = 1.0 / scale_;
  std::vector<torch::Tensor> finite;
  finite.reserve(grads.size());
  for (auto& grad : grads) {
    grad.mul_(inverse);
    finite.push_back(torch::isfinite(grad).all());
  }
  overflowed_ = !torch::stack(finite).all().item<bool>();
  return !overflowed_;
}

void GradScaler::update() {
  if (!enabled_) return;
  if (overflowed_) {
    scale_ *= options_.backoff_factor;
    good_steps_ = 0;
  } else if (++good_steps_ == options_.growth_interval) {
    scale_ *= options_.growth_factor;
    good_steps_ = 0;
  }
  overflowed_ = false;
}

void GradScaler::restore(double scale, int64_t good_steps) {
  scale_ = scale;
  good_steps_ = good_steps;
}

}  // namespace segkit::train
