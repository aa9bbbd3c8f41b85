#include "segkit/nn/conv2d_relu.h"

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/functional/instancenorm.h>
#include <torch/nn/modules/instancenorm.h>
#include <torch/nn/modules/linear.h>

#include "segkit/core/error.h"
#include "segkit/nn/batchnorm.h"

namespace segkit::nn {

NormType parse_norm(const std::string& name) {
  if (name == "batchnorm" || name == "true") return NormType::kBatchNorm;
  if (name == "identity" || name == "false") return NormType::kIdentity;
  if (name == "instancenorm") return NormType::kInstanceNorm;
  throw ConfigError("unsupported decoder_use_norm '" + name +
                    "'; valid: true, false, batchnorm, identity, instancenorm");
}

torch::nn::AnyModule make_norm(NormType norm, int64_t channels) {
  switch (norm) {
    case NormType::kBatchNorm: return torch::nn::AnyModule(nn::BatchNorm2d(channels));
    case NormType::kInstanceNorm: return torch::nn::AnyModule(torch::nn::InstanceNorm2d(channels));
    case NormType::kIdentity: break;
  }
  return torch::nn::AnyModule(torch::nn::Identity());
}

SequentialBlock conv2d_relu(int64_t in_channels, int64_t out_channels, int64_t kernel_size,
                                  int64_t padding, int64_t stride, NormType norm) {
  SequentialBlock block;
  block->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(in_channels, out_channels, kernel_size)
                                         .stride(stride)
                                         .padding(padding)
                                         .bias(norm == NormType::kIdentity)));
  block->push_back(make_norm(norm, out_channels));
  block->push_back(torch::nn::ReLU(torch::nn::ReLUOptions().inplace(true)));
  return block;
}

}  // namespace segkit::nn
