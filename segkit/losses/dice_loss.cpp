#include "segkit/losses/dice_loss.h"

#include <torch/nn/functional/activation.h>
#include <torch/torch.h>

#include "segkit/core/error.h"
#include "segkit/losses/functional.h"

namespace segkit::losses {

DiceLoss::DiceLoss(DiceOptions options)
    : DiceLoss(options, options.positives_only ? "dice_pos" : "dice") {}

DiceLoss::DiceLoss(DiceOptions options, std::string name) : options_(std::move(options)), name_(std::move(name)) {
  check_class_weights(options_, name_);
  if (!options_.classes.empty() && options_.mode == Mode::kBinary) {
    throw ConfigError(name_ + ": `classes` is not supported with mode binary (one class)");
  }
}

torch::Tensor DiceLoss::forward(const torch::Tensor& logits, const torch::Tensor& target) const {
  return aggregate(per_class(logits, target));
}

torch::Tensor DiceLoss::aggregate(const torch::Tensor& per_class) const {
  return reduce_classes(per_class, options_.class_weights);
}

torch::Tensor DiceLoss::score(const torch::Tensor& probs, const torch::Tensor& truth,
                              const std::vector<int64_t>& dims) const {
  return soft_tversky_score(probs, truth, 0.5, 0.5, options_.smooth, options_.eps, dims);
}

torch::Tensor DiceLoss::per_class(const torch::Tensor& logits, const torch::Tensor& target) const {
  if (!options_.positives_only) return all_images(logits, target);
  const bool multiclass = options_.mode == Mode::kMulticlass;
  auto truth = multiclass ? class_index_target(logits, target, name()) : target_like_logits(logits, target, name());
  auto foreground = multiclass ? truth > 0 : truth != 0;
  if (options_.ignore_index) foreground = foreground & (truth != *options_.ignore_index);
  auto positive = foreground.flatten(1).any(1).nonzero().squeeze(1);
  if (positive.numel() == 0) {
    const int64_t classes = options_.classes.empty() ? logits.size(1) : static_cast<int64_t>(options_.classes.size());
    return logits.sum() * 0.0 + torch::zeros({classes}, logits.options());
  }
  return all_images(logits.index_select(0, positive), target.index_select(0, positive));
}

torch::Tensor DiceLoss::all_images(const torch::Tensor& logits, const torch::Tensor& target) const {
  namespace F = torch::nn::functional;
  auto probs = logits;
  if (options_.from_logits) {
    // log-then-exp as SMP: stable, and no vanishing gradient at saturated logits.
    probs = options_.mode == Mode::kMulticlass ? logits.log_softmax(1).exp() : F::logsigmoid(logits).exp();
  }
  const int64_t batch = logits.size(0);
  const int64_t classes = logits.size(1);
  torch::Tensor truth;
  if (options_.mode == Mode::kMulticlass) {
    auto labels = class_index_target(logits, target, name()).reshape({batch, -1});
    probs = probs.reshape({batch, classes, -1});
    torch::Tensor valid;
    if (options_.ignore_index) {
      valid = labels != *options_.ignore_index;
      labels = labels * valid;
      probs = probs * valid.unsqueeze(1);
    }
    if (((labels < 0) | (labels >= classes)).any().item<bool>()) {
      throw DataError(name() + ": class index outside 0.." + std::to_string(classes - 1) +
                      " in the target; set ignore_index for void labels");
    }
    truth = F::one_hot(labels, classes).permute({0, 2, 1});
    if (valid.defined()) truth = truth * valid.unsqueeze(1);
  } else {
    const int64_t channels = options_.mode == Mode::kBinary ? 1 : classes;
    truth = target_like_logits(logits, target, name()).reshape({batch, channels, -1});
    probs = probs.reshape({batch, channels, -1});
    if (options_.ignore_index) {
      auto valid = truth != *options_.ignore_index;
      probs = probs * valid;
      truth = truth * valid;
    }
  }
  const std::vector<int64_t> dims{0, 2};
  auto scores = score(probs, truth.to(probs.scalar_type()), dims);
  auto loss = options_.log_loss ? -torch::log(scores.clamp_min(options_.eps)) : 1.0 - scores;
  // Dice is undefined for a class with no positive pixel in the batch: SMP zeroes its term.
  loss = loss * (truth.sum(dims) > 0).to(loss.scalar_type());
  if (!options_.classes.empty()) {
    loss = loss.index_select(0, torch::tensor(options_.classes, torch::kLong).to(loss.device()));
  }
  return loss;
}

}  // namespace segkit::losses
