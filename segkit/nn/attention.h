#pragma once
// SMP's decoder attention (base/modules.py): `Attention` holds `attention` = Identity or SCSE.
// SCSE (Roy et al. 2018): x * cSE(x) + x * sSE(x), with
//   cSE = AdaptiveAvgPool(1) -> 1x1 conv C->C/16 (bias) -> ReLU -> 1x1 conv C/16->C (bias) -> sigmoid
//   sSE = 1x1 conv C->1 (bias) -> sigmoid
// Keys: `attention.cSE.1.weight`, `attention.cSE.3.bias`, `attention.sSE.0.weight`.

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>

#include <string>

namespace segkit::nn {

class SCSEModuleImpl : public torch::nn::Module {
 public:
  SCSEModuleImpl(int64_t in_channels, int64_t reduction = 16);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Sequential cSE_{nullptr}, sSE_{nullptr};
};
TORCH_MODULE(SCSEModule);

/// `type`: "" / "none" (identity) or "scse"; throws ConfigError otherwise.
class AttentionImpl : public torch::nn::Module {
 public:
  AttentionImpl(const std::string& type, int64_t in_channels);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::AnyModule attention_;
};
TORCH_MODULE(Attention);

}  // namespace segkit::nn
