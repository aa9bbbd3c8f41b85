#include "segkit/models/initialization.h"

#include <torch/nn/init.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/instancenorm.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include "segkit/nn/batchnorm.h"

namespace segkit::models {
namespace {

void zero_bias(torch::Tensor& bias) {
  if (bias.defined()) bias.zero_();
}

// The affine parameters of a norm layer, or nullptr when `module` is none (or has no affine part).
std::pair<torch::Tensor*, torch::Tensor*> norm_affine(torch::nn::Module& module) {
  if (auto* bn = module.as<nn::BatchNorm2dImpl>()) return {&bn->weight, &bn->bias};
  if (auto* gn = module.as<torch::nn::GroupNormImpl>()) return {&gn->weight, &gn->bias};
  if (auto* ln = module.as<torch::nn::LayerNormImpl>()) return {&ln->weight, &ln->bias};
  if (auto* in = module.as<torch::nn::InstanceNorm2dImpl>()) return {&in->weight, &in->bias};
  return {nullptr, nullptr};
}

}  // namespace

void initialize_decoder(torch::nn::Module& decoder) {
  torch::NoGradGuard no_grad;
  for (const auto& module : decoder.modules()) {
    if (auto* conv = module->as<torch::nn::Conv2dImpl>()) {
      torch::nn::init::kaiming_uniform_(conv->weight, 0.0, torch::kFanIn, torch::kReLU);
      zero_bias(conv->bias);
    } else if (auto* linear = module->as<torch::nn::LinearImpl>()) {
      torch::nn::init::xavier_uniform_(linear->weight);
      zero_bias(linear->bias);
    } else if (auto [weight, bias] = norm_affine(*module); weight != nullptr) {
      if (weight->defined()) weight->fill_(1.0);
      if (bias->defined()) bias->zero_();
    }
  }
}

void initialize_head(torch::nn::Module& head) {
  torch::NoGradGuard no_grad;
  for (const auto& module : head.modules()) {
    if (auto* conv = module->as<torch::nn::Conv2dImpl>()) {
      torch::nn::init::xavier_uniform_(conv->weight);
      zero_bias(conv->bias);
    } else if (auto* linear = module->as<torch::nn::LinearImpl>()) {
      torch::nn::init::xavier_uniform_(linear->weight);
      zero_bias(linear->bias);
    }
  }
}

}  // namespace segkit::models
