#pragma once
// SMP's Conv2dReLU and normalisation choice (base/modules.py): Sequential(conv, norm, ReLU), with the
// conv's bias only when the norm is identity. Indices match SMP's state_dict: `.0.weight` (conv),
// `.1.running_var` (BatchNorm).
//
//   auto block = segkit::nn::conv2d_relu(64, 32, /*kernel_size=*/3, /*padding=*/1, /*stride=*/1,
//                                        segkit::nn::NormType::kBatchNorm);

#include <torch/nn/modules/container/sequential.h>

#include <string>

namespace segkit::nn {

/// SMP's `use_norm`: true/"batchnorm", false/"identity", "instancenorm". ("layernorm" and "inplace"
/// are refused: SMP's LayerNorm normalises the wrong axis of NCHW, InPlaceABN is a CUDA extension.)
enum class NormType { kBatchNorm, kIdentity, kInstanceNorm };

/// Parses SMP's spellings; throws ConfigError listing them.
NormType parse_norm(const std::string& name);

/// A norm layer for `channels` as a module usable in a Sequential.
torch::nn::AnyModule make_norm(NormType norm, int64_t channels);

/// A Sequential with a plain Tensor forward, so it can nest inside another Sequential (LibTorch's
/// AnyModule cannot hold a Sequential, whose forward is a template).
class SequentialBlockImpl : public torch::nn::SequentialImpl {
 public:
  using torch::nn::SequentialImpl::SequentialImpl;
  torch::Tensor forward(torch::Tensor x) { return torch::nn::SequentialImpl::forward(x); }
};
TORCH_MODULE(SequentialBlock);

SequentialBlock conv2d_relu(int64_t in_channels, int64_t out_channels, int64_t kernel_size,
                                  int64_t padding = 0, int64_t stride = 1,
                                  NormType norm = NormType::kBatchNorm);

}  // namespace segkit::nn
