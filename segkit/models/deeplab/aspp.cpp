#include "segkit/models/deeplab/aspp.h"

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/pooling.h>

#include "segkit/core/error.h"
#include "segkit/models/unet/unet_decoder.h"
#include "segkit/nn/batchnorm.h"

namespace segkit::models {
namespace {

using torch::nn::Conv2d;
using torch::nn::Conv2dOptions;

nn::SequentialBlock conv_bn_relu(torch::nn::AnyModule conv, int64_t channels) {
  nn::SequentialBlock block;
  block->push_back(std::move(conv));
  block->push_back(nn::BatchNorm2d(channels));
  block->push_back(torch::nn::ReLU());
  return block;
}

nn::SequentialBlock atrous_branch(int64_t in, int64_t out, int64_t rate, bool separable) {
  if (separable) {
    return conv_bn_relu(torch::nn::AnyModule(separable_conv2d(in, out, 3, rate, rate, /*bias=*/false)), out);
  }
  return conv_bn_relu(
      torch::nn::AnyModule(Conv2d(Conv2dOptions(in, out, 3).padding(rate).dilation(rate).bias(false))), out);
}

}  // namespace

nn::SequentialBlock separable_conv2d(int64_t in_channels, int64_t out_channels, int64_t kernel_size,
                                     int64_t padding, int64_t dilation, bool bias) {
  nn::SequentialBlock block;
  block->push_back(Conv2d(Conv2dOptions(in_channels, in_channels, kernel_size)
                              .padding(padding)
                              .dilation(dilation)
                              .groups(in_channels)
                              .bias(false)));
  block->push_back(Conv2d(Conv2dOptions(in_channels, out_channels, 1).bias(bias)));
  return block;
}

AsppImpl::AsppImpl(int64_t in_channels, int64_t out_channels, const AsppOptions& options) {
  if (options.atrous_rates.size() != 3) {
    throw ConfigError("decoder_atrous_rates must have 3 values, got " + std::to_string(options.atrous_rates.size()));
  }
  auto list = register_module("convs", torch::nn::ModuleList());
  const auto add = [&](nn::SequentialBlock branch) {
    list->push_back(branch);
    convs_.push_back(branch);
  };
  add(conv_bn_relu(torch::nn::AnyModule(Conv2d(Conv2dOptions(in_channels, out_channels, 1).bias(false))),
                   out_channels));
  for (int64_t rate : options.atrous_rates) add(atrous_branch(in_channels, out_channels, rate, options.separable));
  nn::SequentialBlock pooling;
  pooling->push_back(torch::nn::AdaptiveAvgPool2d(torch::nn::AdaptiveAvgPool2dOptions(1)));
  pooling->push_back(Conv2d(Conv2dOptions(in_channels, out_channels, 1).bias(false)));
  pooling->push_back(nn::BatchNorm2d(out_channels));
  pooling->push_back(torch::nn::ReLU());
  add(pooling);

  project_ = register_module("project", conv_bn_relu(torch::nn::AnyModule(Conv2d(
                                                         Conv2dOptions(5 * out_channels, out_channels, 1).bias(false))),
                                                     out_channels));
  project_->push_back(torch::nn::Dropout(options.dropout));
}

torch::Tensor AsppImpl::forward(torch::Tensor x) {
  std::vector<torch::Tensor> branches;
  for (size_t i = 0; i + 1 < convs_.size(); ++i) branches.push_back(convs_[i]->forward(x));
  branches.push_back(interpolate_to(convs_.back()->forward(x), x.size(2), x.size(3), "bilinear"));
  return project_->forward(torch::cat(branches, 1));
}

}  // namespace segkit::models
