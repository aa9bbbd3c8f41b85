#include "segkit/nn/attention.h"

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/pooling.h>

#include "segkit/core/error.h"

namespace segkit::nn {

SCSEModuleImpl::SCSEModuleImpl(int64_t in_channels, int64_t reduction) {
  using namespace torch::nn;
  cSE_ = register_module("cSE", Sequential(AdaptiveAvgPool2d(1),
                                           Conv2d(Conv2dOptions(in_channels, in_channels / reduction, 1)),
                                           ReLU(ReLUOptions().inplace(true)),
                                           Conv2d(Conv2dOptions(in_channels / reduction, in_channels, 1)),
                                           Sigmoid()));
  sSE_ = register_module("sSE", Sequential(Conv2d(Conv2dOptions(in_channels, 1, 1)), Sigmoid()));
}

torch::Tensor SCSEModuleImpl::forward(const torch::Tensor& x) {
  return x * cSE_->forward(x) + x * sSE_->forward(x);
}

AttentionImpl::AttentionImpl(const std::string& type, int64_t in_channels) {
  if (type.empty() || type == "none") {
    attention_ = torch::nn::AnyModule(register_module("attention", torch::nn::Identity()));
  } else if (type == "scse") {
    attention_ = torch::nn::AnyModule(register_module("attention", SCSEModule(in_channels)));
  } else {
    throw ConfigError("unknown decoder_attention_type '" + type + "'; valid: null, scse");
  }
}

torch::Tensor AttentionImpl::forward(const torch::Tensor& x) { return attention_.forward(x); }

}  // namespace segkit::nn
