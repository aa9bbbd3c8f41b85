#include "segkit/train/batchnorm_control.h"

#include <torch/nn/modules/batchnorm.h>

#include "segkit/core/error.h"
#include "segkit/nn/batchnorm.h"

namespace segkit::train {

int set_batchnorm_momentum(torch::nn::Module& module, double momentum) {
  if (!(momentum >= 0 && momentum <= 1)) {
    throw ConfigError("BatchNorm momentum must lie in [0, 1], got " + std::to_string(momentum));
  }
  int changed = 0;
  for (const auto& child : module.modules(/*include_self=*/true)) {
    if (auto* norm = child->as<nn::BatchNorm2dImpl>()) {
      norm->options.momentum(momentum);
    } else if (auto* norm1d = child->as<torch::nn::BatchNorm1dImpl>()) {
      norm1d->options.momentum(momentum);
    } else if (auto* norm2d = child->as<torch::nn::BatchNorm2dImpl>()) {
      norm2d->options.momentum(momentum);
    } else if (auto* norm3d = child->as<torch::nn::BatchNorm3dImpl>()) {
      norm3d->options.momentum(momentum);
    } else {
      continue;
    }
    ++changed;
  }
  return changed;
}

void freeze_module(torch::nn::Module& module, bool frozen, bool train_bn) {
  for (auto& parameter : module.parameters()) {
    parameter.set_requires_grad(!frozen);
    if (frozen) parameter.mutable_grad() = torch::Tensor();
  }
  nn::set_batchnorms_frozen(module, frozen && !train_bn);
  if (!frozen || !train_bn) return;
  for (const auto& child : module.modules(/*include_self=*/true)) {
    if (child->as<nn::BatchNorm2dImpl>() == nullptr) continue;
    for (auto& parameter : child->parameters()) parameter.set_requires_grad(true);
  }
}

}  // namespace segkit::train
