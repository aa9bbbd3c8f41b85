#include "segkit/encoders/encoder.h"

#include <torch/nn/init.h>
#include <torch/nn/modules/conv.h>

#include <cmath>

#include "segkit/core/error.h"
#include "segkit/encoders/same_conv2d.h"

namespace segkit::encoders {

EncoderImpl::EncoderImpl(std::vector<int64_t> out_channels, int depth)
    : all_out_channels_(std::move(out_channels)), depth_(depth) {}

std::vector<int64_t> EncoderImpl::out_channels() const {
  return {all_out_channels_.begin(), all_out_channels_.begin() + depth_ + 1};
}

int EncoderImpl::output_stride() const { return std::min(output_stride_, 1 << depth_); }

void EncoderImpl::set_in_channels(int in_channels, bool pretrained) {
  if (in_channels == 3) return;
  if (in_channels < 1) throw ConfigError("in_channels must be >= 1, got " + std::to_string(in_channels));
  in_channels_ = in_channels;
  if (all_out_channels_[0] == 3) all_out_channels_[0] = in_channels;
  for (const auto& module : modules(/*include_self=*/false)) {
    auto* conv = module->as<torch::nn::Conv2dImpl>();
    if (conv == nullptr || conv->options.in_channels() != 3) continue;
    torch::NoGradGuard no_grad;
    const torch::Tensor old_weight = conv->weight.detach().clone();
    auto sizes = old_weight.sizes().vec();
    sizes[1] = in_channels / conv->options.groups();
    torch::Tensor weight;
    if (!pretrained) {
      weight = torch::empty(sizes, old_weight.options());
      torch::nn::init::kaiming_uniform_(weight, std::sqrt(5.0));
    } else if (in_channels == 1) {
      weight = old_weight.sum(1, /*keepdim=*/true);
    } else {
      weight = torch::empty(sizes, old_weight.options());
      for (int i = 0; i < in_channels; ++i) weight.select(1, i).copy_(old_weight.select(1, i % 3));
      weight = weight * (3.0 / in_channels);
    }
    conv->options.in_channels(in_channels);
    conv->weight.set_data(weight);
    return;
  }
  throw Error("encoder has no Conv2d with 3 input channels to patch");
}

void EncoderImpl::make_dilated(int output_stride) {
  if (output_stride != 8 && output_stride != 16) {
    throw ConfigError("encoder_output_stride must be 8 or 16 (or 32: no dilation), got " +
                      std::to_string(output_stride));
  }
  auto all_stages = stages();
  if (all_stages.empty()) {
    throw ConfigError(name() + " does not support dilation (encoder_output_stride " +
                      std::to_string(output_stride) + ")");
  }
  for (auto& [stride, modules] : all_stages) {
    if (stride <= output_stride) continue;
    for (auto& module : modules) replace_strides_with_dilation(*module, stride / output_stride);
  }
  output_stride_ = output_stride;
}

void replace_strides_with_dilation(torch::nn::Module& module, int rate) {
  for (const auto& child : module.modules(/*include_self=*/true)) {
    auto* conv = child->as<torch::nn::Conv2dImpl>();
    if (conv == nullptr) continue;
    const auto kernel = conv->options.kernel_size();
    conv->options.stride(1).dilation(rate).padding(
        torch::ExpandingArray<2>({(kernel->at(0) / 2) * rate, (kernel->at(1) / 2) * rate}));
    if (auto* same = child->as<SameConv2dImpl>()) same->drop_static_padding();
  }
}

void initialize_like_torchvision(torch::nn::Module& encoder, bool fan_out) {
  torch::NoGradGuard no_grad;
  // Called from the constructors, before the encoder is owned by a shared_ptr: children only.
  for (const auto& module : encoder.modules(/*include_self=*/false)) {
    auto* conv = module->as<torch::nn::Conv2dImpl>();
    if (conv == nullptr) continue;
    if (fan_out) {
      torch::nn::init::kaiming_normal_(conv->weight, 0.0, torch::kFanOut, torch::kReLU);
    } else {
      torch::nn::init::kaiming_normal_(conv->weight, 0.0, torch::kFanIn, torch::kReLU);
    }
    if (conv->bias.defined()) conv->bias.zero_();
  }
}

}  // namespace segkit::encoders
