#include "segkit/losses/jaccard_loss.h"

#include "segkit/losses/functional.h"

namespace segkit::losses {

JaccardLoss::JaccardLoss(DiceOptions options)
    : DiceLoss(options, options.positives_only ? "jaccard_pos" : "jaccard") {}

torch::Tensor JaccardLoss::score(const torch::Tensor& probs, const torch::Tensor& truth,
                                 const std::vector<int64_t>& dims) const {
  return soft_tversky_score(probs, truth, 1.0, 1.0, options_.smooth, options_.eps, dims);
}

}  // namespace segkit::losses
