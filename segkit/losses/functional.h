#pragma once
// The functional core under the loss classes, one function per formula of SMP's
// losses/_functional.py, with the same argument names and defaults. Shapes are free unless stated.
//
//   auto score = soft_tversky_score(probs, onehot, 0.5, 0.5, /*smooth=*/0, /*eps=*/1e-7, {0, 2});
//   auto focal = focal_loss_with_logits(logits, target, FocalTerms{});   // mean over elements

#include <torch/types.h>

#include <optional>
#include <vector>

namespace segkit::losses {

/// (I + smooth) / max(I + alpha*FP + beta*FN + smooth, eps), summed over `dims` (all when empty).
/// I = (sum p + sum t - sum|p - t|) / 2 as SMP 0.5 computes it: equal to sum p*t for 0/1 targets
/// and also meaningful for soft targets. Dice: alpha = beta = 0.5; Jaccard: alpha = beta = 1.
torch::Tensor soft_tversky_score(const torch::Tensor& output, const torch::Tensor& target, double alpha, double beta,
                                 double smooth, double eps, const std::vector<int64_t>& dims);

/// How focal_loss_with_logits reduces its elementwise losses.
enum class FocalReduction { kMean, kSum, kBatchwiseMean, kNone };

/// The knobs of the focal term (1 - pt)^gamma, SMP's defaults.
struct FocalTerms {
  double gamma = 2.0;
  /// Weight of positives (negatives get 1 - alpha); nullopt: no class balancing.
  std::optional<double> alpha = 0.25;
  FocalReduction reduction = FocalReduction::kMean;
  /// Divide by the sum of focal terms (arXiv:1909.07829).
  bool normalized = false;
  /// Reduced focal loss (arXiv:1903.01347): focal term 1 where pt < threshold.
  std::optional<double> reduced_threshold;
  double eps = 1e-6;
};

/// Binary focal loss: bce_with_logits(x, t) * (1 - exp(-bce))^gamma [* alpha balance].
torch::Tensor focal_loss_with_logits(const torch::Tensor& output, const torch::Tensor& target, const FocalTerms& terms);

/// Softmax focal loss: output (N, C, ...), target (N, ...) class indices.
torch::Tensor softmax_focal_loss_with_logits(const torch::Tensor& output, const torch::Tensor& target,
                                             const FocalTerms& terms);

/// Label-smoothed NLL over log-probabilities `lprobs` along `dim`: (1 - eps) * nll + eps / C * sum(-lprobs),
/// mean over all positions (ignored positions count as 0, as in SMP).
torch::Tensor label_smoothed_nll_loss(const torch::Tensor& lprobs, const torch::Tensor& target, double epsilon,
                                      std::optional<int64_t> ignore_index, int64_t dim);

/// Gradient of the Lovasz extension of the Jaccard loss w.r.t. errors sorted descending
/// (Berman et al. 2018, Alg. 1); `gt_sorted` holds the labels in that order.
torch::Tensor lovasz_grad(const torch::Tensor& gt_sorted);

/// Binary Lovasz hinge of flat logits (P) against 0/1 labels (P).
torch::Tensor lovasz_hinge_flat(const torch::Tensor& logits, const torch::Tensor& labels);

/// The mean of per-image or per-class Lovasz losses (non-empty list).
torch::Tensor lovasz_mean(const std::vector<torch::Tensor>& values);

/// Lovasz-Softmax of probabilities (P, C) against class indices (P), over the classes present.
torch::Tensor lovasz_softmax_flat(const torch::Tensor& probas, const torch::Tensor& labels);

}  // namespace segkit::losses
