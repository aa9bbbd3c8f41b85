#pragma once
// BatchNorm2d that can be folded into the convolution feeding it, for inference copies
// (models/inference_copy.h). Same options, parameters, buffers, state_dict names and arithmetic as
// torch::nn::BatchNorm2d (it calls the same batch_norm op); every segkit model uses this one so that a
// folded layer can skip the normalisation pass entirely. (It is not derived from LibTorch's class:
// Debian's libtorch does not export the base-class symbols a derived vtable needs.)

#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>

#include <functional>
#include <memory>

namespace segkit::nn {

/// Sums a tensor over the processes of a data-parallel run, in place (dist::Communicator).
using SumOverProcesses = std::function<void(torch::Tensor&)>;

class BatchNorm2dImpl : public torch::nn::Cloneable<BatchNorm2dImpl> {
 public:
  explicit BatchNorm2dImpl(int64_t num_features) : BatchNorm2dImpl(torch::nn::BatchNormOptions(num_features)) {}
  explicit BatchNorm2dImpl(const torch::nn::BatchNormOptions& options);

  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  torch::Tensor forward(const torch::Tensor& x);

  /// Rescales `conv` (which must feed this layer directly) so that conv alone computes bn(conv(x)) with
  /// the running statistics, then makes this layer a pass-through. Inference only: training a folded
  /// model would not normalise.
  void fold_into(torch::nn::Conv2dImpl& conv);
  bool folded() const { return folded_; }

  /// A frozen layer stays in eval mode whatever train() is called with, so its running statistics
  /// stay fixed while the rest of the model trains (SMP's freeze_encoder). Unfreezing leaves the mode
  /// as it is; the caller sets it (train/batchnorm_control.h does).
  void set_frozen(bool frozen);
  bool frozen() const { return frozen_; }

  /// Synchronised BatchNorm (PyTorch's SyncBatchNorm): in training mode the batch statistics are
  /// those of the batches of every process together, summed with `sum` (forward: the per-channel
  /// sums; backward: their gradients), so N processes with batch b normalise as one with batch N x b.
  /// Null: statistics of this process's batch only.
  void set_sync(std::shared_ptr<SumOverProcesses> sum) { sync_ = std::move(sum); }
  void train(bool on = true) override;

  torch::nn::BatchNormOptions options;
  torch::Tensor weight, bias, running_mean, running_var, num_batches_tracked;

 private:
  bool folded_ = false;
  bool frozen_ = false;
  std::shared_ptr<SumOverProcesses> sync_;
};
TORCH_MODULE(BatchNorm2d);

}  // namespace segkit::nn

namespace segkit::nn {

/// Freezes (or unfreezes) every segkit BatchNorm2d inside `root`; unfrozen layers take root's mode.
/// Returns how many layers it changed.
int set_batchnorms_frozen(torch::nn::Module& root, bool frozen);

/// Synchronises (or, with null, stops synchronising) every segkit BatchNorm2d inside `root`.
int set_batchnorms_sync(torch::nn::Module& root, const std::shared_ptr<SumOverProcesses>& sum);

/// Folds every segkit BatchNorm2d registered directly after a Conv2d with matching channels (module
/// registration order = data flow in every segkit model) into that conv. Returns how many were folded.
int fold_batchnorms(torch::nn::Module& root);

}  // namespace segkit::nn
