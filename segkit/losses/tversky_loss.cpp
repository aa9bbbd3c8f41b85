#include "segkit/losses/tversky_loss.h"

#include "segkit/losses/functional.h"

namespace segkit::losses {

TverskyLoss::TverskyLoss(TverskyOptions options)
    : DiceLoss(options, options.positives_only ? "tversky_pos" : "tversky"),
      alpha_(options.alpha),
      beta_(options.beta),
      gamma_(options.gamma) {}

torch::Tensor TverskyLoss::score(const torch::Tensor& probs, const torch::Tensor& truth,
                                 const std::vector<int64_t>& dims) const {
  return soft_tversky_score(probs, truth, alpha_, beta_, options_.smooth, options_.eps, dims);
}

torch::Tensor TverskyLoss::aggregate(const torch::Tensor& per_class) const {
  return DiceLoss::aggregate(per_class).pow(gamma_);
}

}  // namespace segkit::losses
