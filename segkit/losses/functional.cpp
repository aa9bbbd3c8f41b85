#include "segkit/losses/functional.h"

#include <torch/linalg.h>
#include <torch/nn/functional/activation.h>
#include <torch/nn/functional/loss.h>
#include <torch/torch.h>

namespace segkit::losses {
namespace F = torch::nn::functional;

torch::Tensor soft_tversky_score(const torch::Tensor& output, const torch::Tensor& target, double alpha, double beta,
                                 double smooth, double eps, const std::vector<int64_t>& dims) {
  TORCH_CHECK(output.sizes() == target.sizes(), "soft_tversky_score: output and target shapes differ");
  torch::Tensor output_sum, target_sum, difference;
  if (dims.empty()) {
    output_sum = output.sum();
    target_sum = target.sum();
    difference = torch::linalg::vector_norm(output - target, 1, c10::nullopt, false, c10::nullopt);
  } else {
    output_sum = output.sum(dims);
    target_sum = target.sum(dims);
    difference = torch::linalg::vector_norm(output - target, 1, dims, false, c10::nullopt);
  }
  // SMP's form of the intersection: it rounds differently from sum(p * t), and matching it keeps
  // our values within float32 noise of SMP's.
  auto intersection = (output_sum + target_sum - difference) / 2;
  auto fp = output_sum - intersection;
  auto fn = target_sum - intersection;
  return (intersection + smooth) / (intersection + alpha * fp + beta * fn + smooth).clamp_min(eps);
}

namespace {

torch::Tensor focal_term(const torch::Tensor& pt, const FocalTerms& terms) {
  if (!terms.reduced_threshold) return (1.0 - pt).pow(terms.gamma);
  auto term = ((1.0 - pt) / *terms.reduced_threshold).pow(terms.gamma);
  return term.masked_fill(pt < *terms.reduced_threshold, 1.0);
}

torch::Tensor reduce(torch::Tensor loss, const torch::Tensor& focal, const FocalTerms& terms) {
  if (terms.normalized) loss = loss / focal.sum().clamp_min(terms.eps);
  switch (terms.reduction) {
    case FocalReduction::kMean:
      return loss.mean();
    case FocalReduction::kSum:
      return loss.sum();
    case FocalReduction::kBatchwiseMean:
      return loss.sum(0);
    case FocalReduction::kNone:
      break;
  }
  return loss;
}

}  // namespace

torch::Tensor focal_loss_with_logits(const torch::Tensor& output, const torch::Tensor& target,
                                     const FocalTerms& terms) {
  auto t = target.to(output.dtype());
  auto logpt = F::binary_cross_entropy_with_logits(
      output, t, F::BinaryCrossEntropyWithLogitsFuncOptions().reduction(torch::kNone));
  auto focal = focal_term(torch::exp(-logpt), terms);
  auto loss = focal * logpt;
  if (terms.alpha) loss = loss * (*terms.alpha * t + (1 - *terms.alpha) * (1 - t));
  return reduce(loss, focal, terms);
}

torch::Tensor softmax_focal_loss_with_logits(const torch::Tensor& output, const torch::Tensor& target,
                                             const FocalTerms& terms) {
  auto log_softmax = output.log_softmax(1);
  auto loss = F::nll_loss(log_softmax, target.to(torch::kLong), F::NLLLossFuncOptions().reduction(torch::kNone));
  auto focal = focal_term(torch::exp(-loss), terms);
  return reduce(focal * loss, focal, terms);
}

torch::Tensor label_smoothed_nll_loss(const torch::Tensor& lprobs, const torch::Tensor& target, double epsilon,
                                      std::optional<int64_t> ignore_index, int64_t dim) {
  auto index = target.to(torch::kLong);
  if (index.dim() == lprobs.dim() - 1) index = index.unsqueeze(dim);
  torch::Tensor nll, smooth;
  if (ignore_index) {
    auto pad = index.eq(*ignore_index);
    nll = (-lprobs.gather(dim, index.masked_fill(pad, 0))).masked_fill(pad, 0.0);
    smooth = (-lprobs.sum(dim, /*keepdim=*/true)).masked_fill(pad, 0.0);
  } else {
    nll = -lprobs.gather(dim, index);
    smooth = -lprobs.sum(dim, /*keepdim=*/true);
  }
  const double eps_i = epsilon / static_cast<double>(lprobs.size(dim));
  return (1.0 - epsilon) * nll.mean() + eps_i * smooth.mean();
}

torch::Tensor lovasz_mean(const std::vector<torch::Tensor>& values) {
  // Summed in order, as SMP's lovasz.mean() does, so float32 results round the same way.
  auto total = values.front();
  for (size_t i = 1; i < values.size(); ++i) total = total + values[i];
  return values.size() == 1 ? total : total / static_cast<double>(values.size());
}

torch::Tensor lovasz_grad(const torch::Tensor& gt_sorted) {
  const auto p = gt_sorted.size(0);
  // float32 cumulative sums as in SMP, whatever the input dtype.
  auto gts = gt_sorted.sum();
  auto intersection = gts - gt_sorted.to(torch::kFloat).cumsum(0);
  auto union_ = gts + (1 - gt_sorted).to(torch::kFloat).cumsum(0);
  auto jaccard = 1.0 - intersection / union_;
  if (p > 1) {
    jaccard = torch::cat({jaccard.slice(0, 0, 1), jaccard.slice(0, 1, p) - jaccard.slice(0, 0, p - 1)});
  }
  return jaccard;
}

torch::Tensor lovasz_hinge_flat(const torch::Tensor& logits, const torch::Tensor& labels) {
  if (labels.numel() == 0) return logits.sum() * 0.0;  // only ignored pixels: zero, with a gradient
  auto signs = 2.0 * labels.to(torch::kFloat) - 1.0;
  auto errors = 1.0 - logits * signs;
  auto [errors_sorted, perm] = torch::sort(errors, 0, /*descending=*/true);
  auto grad = lovasz_grad(labels.index_select(0, perm));
  return torch::dot(torch::relu(errors_sorted), grad.to(errors_sorted.dtype()));
}

torch::Tensor lovasz_softmax_flat(const torch::Tensor& probas, const torch::Tensor& labels) {
  if (probas.numel() == 0) return probas.sum() * 0.0;
  const auto classes = probas.size(1);
  std::vector<torch::Tensor> losses;
  for (int64_t c = 0; c < classes; ++c) {
    auto fg = labels.eq(c).to(probas.dtype());
    if (fg.sum().item<double>() == 0) continue;  // classes="present", SMP's default
    auto class_pred = classes == 1 ? probas.select(1, 0) : probas.select(1, c);
    auto [errors_sorted, perm] = torch::sort((fg - class_pred).abs(), 0, /*descending=*/true);
    losses.push_back(torch::dot(errors_sorted, lovasz_grad(fg.index_select(0, perm)).to(errors_sorted.dtype())));
  }
  // SMP's mean() of an empty list is 0 (a plain number, no gradient); ours keeps the graph.
  if (losses.empty()) return probas.sum() * 0.0;
  return lovasz_mean(losses);
}

}  // namespace segkit::losses
