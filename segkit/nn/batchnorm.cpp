#include "segkit/nn/batchnorm.h"

#include <torch/autograd.h>
#include <torch/torch.h>

#include <algorithm>

#include "segkit/core/error.h"

namespace segkit::nn {
namespace {

// A conv built with bias=false has "bias" registered as an undefined tensor, which Module cannot
// re-register; a pointer to the protected member (legal through a derived class) lets the folded bias
// replace it, so state_dict(), to() and parameters() see it.
struct RegisteredParameters : torch::nn::Module {
  static torch::Tensor& of(torch::nn::Module& module, const std::string& name) {
    return (module.*(&RegisteredParameters::parameters_))[name];
  }
};

// The sum over processes as an autograd op: its gradient is again the sum over processes of the
// incoming gradients (every process's loss depends on every process's batch through the statistics).
class SumOverProcessesOp : public torch::autograd::Function<SumOverProcessesOp> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& local,
                               int64_t sum_address) {
    ctx->saved_data["sum"] = sum_address;
    auto total = local.clone();
    (*reinterpret_cast<SumOverProcesses*>(sum_address))(total);
    return total;
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    auto total = grads[0].clone();
    (*reinterpret_cast<SumOverProcesses*>(ctx->saved_data["sum"].toInt()))(total);
    return {total, torch::Tensor()};
  }
};

}  // namespace

BatchNorm2dImpl::BatchNorm2dImpl(const torch::nn::BatchNormOptions& options_) : options(options_) { reset(); }

void BatchNorm2dImpl::reset() {
  const int64_t features = options.num_features();
  if (options.affine()) {
    weight = register_parameter("weight", torch::ones({features}));
    bias = register_parameter("bias", torch::zeros({features}));
  }
  if (options.track_running_stats()) {
    running_mean = register_buffer("running_mean", torch::zeros({features}));
    running_var = register_buffer("running_var", torch::ones({features}));
    num_batches_tracked = register_buffer("num_batches_tracked", torch::tensor(0, torch::kLong));
  }
}

void BatchNorm2dImpl::pretty_print(std::ostream& stream) const {
  stream << "segkit::nn::BatchNorm2d(" << options.num_features() << ", eps=" << options.eps()
         << (folded_ ? ", folded)" : ")");
}

// LibTorch's BatchNormImplBase::forward, step for step.
torch::Tensor BatchNorm2dImpl::forward(const torch::Tensor& x) {
  if (folded_) return x;
  TORCH_CHECK(x.dim() == 4, "BatchNorm2d: expected 4D input (got ", x.dim(), "D input)");
  const bool use_batch_statistics = is_training() || !options.track_running_stats();
  if (use_batch_statistics) {
    TORCH_CHECK(x.numel() / x.size(1) != 1, "Expected more than 1 value per channel when training, got input size ",
                x.sizes());
  }
  double average_factor = options.momentum().value_or(0.0);
  if (is_training() && options.track_running_stats() && num_batches_tracked.defined()) {
    num_batches_tracked += 1;
    if (!options.momentum()) average_factor = 1.0 / num_batches_tracked.item<double>();
  }
  if (sync_ && is_training()) {
    // Per-channel sum, sum of squares and count of every process's batch, then BatchNorm with them.
    const int64_t channels = x.size(1);
    const auto count = torch::full({1}, static_cast<double>(x.numel() / channels), x.options());
    const auto local = torch::cat({x.sum({0, 2, 3}), (x * x).sum({0, 2, 3}), count});
    const auto total = SumOverProcessesOp::apply(local, reinterpret_cast<int64_t>(sync_.get()));
    const auto n = total[2 * channels];
    const auto mean = total.slice(0, 0, channels) / n;
    const auto var = (total.slice(0, channels, 2 * channels) / n - mean * mean).clamp_min(0);
    if (options.track_running_stats()) {
      torch::NoGradGuard no_grad;
      const double samples = n.item<double>();
      running_mean.mul_(1 - average_factor).add_(mean.detach() * average_factor);
      running_var.mul_(1 - average_factor).add_(var.detach() * (samples / std::max(1.0, samples - 1)) * average_factor);
    }
    auto y = (x - mean.view({1, -1, 1, 1})) * (var + options.eps()).rsqrt().view({1, -1, 1, 1});
    if (options.affine()) y = y * weight.view({1, -1, 1, 1}) + bias.view({1, -1, 1, 1});
    return y;
  }
  return torch::batch_norm(x, weight, bias, running_mean, running_var,
                           use_batch_statistics, average_factor, options.eps(),
                           at::globalContext().userEnabledCuDNN());
}

void BatchNorm2dImpl::set_frozen(bool frozen) {
  frozen_ = frozen;
  if (frozen_) torch::nn::Module::train(false);
}

void BatchNorm2dImpl::train(bool on) { torch::nn::Module::train(on && !frozen_); }

void BatchNorm2dImpl::fold_into(torch::nn::Conv2dImpl& conv) {
  if (folded_) return;
  if (conv.options.out_channels() != options.num_features() || !running_mean.defined()) {
    throw ShapeError("cannot fold BatchNorm2d(" + std::to_string(options.num_features()) + ") into a conv with " +
                     std::to_string(conv.options.out_channels()) + " outputs");
  }
  torch::NoGradGuard no_grad;
  // float64 so that folding adds no rounding beyond the final cast.
  const auto f64 = [](const torch::Tensor& t) { return t.to(torch::kFloat64); };
  torch::Tensor scale = f64(running_var).add(options.eps()).rsqrt();
  torch::Tensor shift = -f64(running_mean) * scale;
  if (options.affine()) {
    scale = scale * f64(weight);
    shift = shift * f64(weight) + f64(bias);
  }
  const auto dtype = conv.weight.scalar_type();
  conv.weight.set_data((f64(conv.weight) * scale.view({-1, 1, 1, 1})).to(dtype));
  torch::Tensor new_bias = shift;
  if (conv.bias.defined()) new_bias = f64(conv.bias) * scale + shift;
  new_bias = new_bias.to(dtype);
  if (conv.bias.defined()) {
    conv.bias.set_data(new_bias);
  } else {
    conv.bias = RegisteredParameters::of(conv, "bias") = new_bias;
    conv.options.bias(true);
  }
  folded_ = true;
}

}  // namespace segkit::nn

namespace segkit::nn {

int set_batchnorms_frozen(torch::nn::Module& root, bool frozen) {
  int changed = 0;
  for (const auto& module : root.modules(/*include_self=*/true)) {
    auto* norm = module->as<BatchNorm2dImpl>();
    if (norm == nullptr) continue;
    norm->set_frozen(frozen);
    if (!frozen) norm->train(root.is_training());
    ++changed;
  }
  return changed;
}

int set_batchnorms_sync(torch::nn::Module& root, const std::shared_ptr<SumOverProcesses>& sum) {
  int changed = 0;
  for (const auto& module : root.modules(/*include_self=*/true)) {
    if (auto* norm = module->as<BatchNorm2dImpl>()) {
      norm->set_sync(sum);
      ++changed;
    }
  }
  return changed;
}

int fold_batchnorms(torch::nn::Module& root) {
  int folded = 0;
  for (const auto& module : root.modules(/*include_self=*/true)) {
    const auto children = module->children();
    for (size_t i = 0; i + 1 < children.size(); ++i) {
      auto* conv = children[i]->as<torch::nn::Conv2dImpl>();
      auto* norm = children[i + 1]->as<BatchNorm2dImpl>();
      if (conv == nullptr || norm == nullptr || norm->folded()) continue;
      if (conv->options.out_channels() != norm->options.num_features()) continue;
      norm->fold_into(*conv);
      ++folded;
    }
  }
  return folded;
}

}  // namespace segkit::nn
