#pragma once
// The loss interface and the options every segmentation loss shares, with SMP's names and modes
// (segmentation_models_pytorch/losses/constants.py):
//   binary      logits (N, 1, H, W), target (N, H, W) or (N, 1, H, W) of 0/1 (or soft values)
//   multiclass  logits (N, C, H, W), target (N, H, W) of class indices 0..C-1 (mutually exclusive)
//   multilabel  logits (N, C, H, W), target (N, C, H, W) of 0/1, one independent channel per class
// A loss owns no parameters; it is a function object built once from options or a config.
//
//   auto loss = std::make_shared<DiceLoss>(DiceOptions{});   // mode multilabel, from logits
//   torch::Tensor value = loss->forward(logits, target);     // scalar, differentiable
//   value.backward();

#include <torch/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "segkit/core/task_mode.h"

namespace segkit::losses {

/// The task's mode (core/task_mode.h): the losses' modes are SMP's names for the same three.
using Mode = ::segkit::TaskMode;

/// "binary" | "multiclass" | "multilabel"; throws ConfigError naming the closest mode otherwise.
inline Mode parse_mode(const std::string& name) { return parse_task_mode(name, "loss mode"); }
inline std::string mode_name(Mode mode) { return task_mode_name(mode); }

/// Fields SMP's losses share. Defaults are SMP's; a loss that does not use a field says so.
struct LossOptions {
  /// SMP requires it; multilabel is the default here because it equals binary for one channel.
  Mode mode = Mode::kMultilabel;
  bool from_logits = true;
  double smooth = 0.0;
  double eps = 1e-7;
  /// Target value whose pixels do not contribute; nullopt: none.
  std::optional<int64_t> ignore_index;
  /// One weight per class; empty: classes weigh the same. Losses with per-class terms reduce them
  /// as SMP does, sum_c w_c * loss_c / sum_c w_c. Not allowed in binary mode (as SMP).
  std::vector<double> class_weights;
};

class Loss {
 public:
  virtual ~Loss() = default;

  /// Scalar loss of `logits` against `target` (shapes per mode above). Throws ShapeError when the
  /// shapes do not fit the mode.
  virtual torch::Tensor forward(const torch::Tensor& logits, const torch::Tensor& target) const = 0;

  /// One loss per class, shape (C), before class weighting, for losses built from per-class terms
  /// (logged per class by training); an undefined tensor for losses that are not (Lovasz, CE).
  virtual torch::Tensor per_class(const torch::Tensor& logits, const torch::Tensor& target) const;

  /// The registry name ("dice", "bce_dice", ...).
  virtual std::string name() const = 0;
};

using LossPtr = std::shared_ptr<Loss>;

/// SMP's aggregation of per-class losses: the plain mean, or sum_c w_c * loss_c / sum_c w_c.
torch::Tensor reduce_classes(const torch::Tensor& per_class, const std::vector<double>& class_weights);

/// Throws ConfigError when class weights are given in binary mode or do not match `classes`.
void check_class_weights(const LossOptions& options, const std::string& loss_name);

/// `values` (one per channel) as a tensor shaped (1, C, 1, 1) like `like` (N, C, H, W), so it
/// broadcasts over channels. Throws ShapeError naming `what` when the count is not C.
torch::Tensor channel_values(const std::vector<double>& values, const torch::Tensor& like, const std::string& what,
                             const std::string& loss_name);

/// The target viewed with the logits' shape (binary and multilabel modes): (N, H, W) becomes
/// (N, 1, H, W) for one channel. Throws ShapeError naming both shapes when they cannot match.
torch::Tensor target_like_logits(const torch::Tensor& logits, const torch::Tensor& target,
                                 const std::string& loss_name);

/// The multiclass target as (N, H, W) int64 class indices; (N, 1, H, W) is squeezed. Throws
/// ShapeError when it does not match logits (N, C, H, W).
torch::Tensor class_index_target(const torch::Tensor& logits, const torch::Tensor& target,
                                 const std::string& loss_name);

}  // namespace segkit::losses
