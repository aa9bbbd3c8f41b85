#include "segkit/encoders/mobilenet.h"

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>

#include <algorithm>
#include <array>

#include "segkit/nn/conv2d_relu.h"
#include "segkit/nn/batchnorm.h"

namespace segkit::encoders {
namespace {

using nn::BatchNorm2d;
using torch::nn::Conv2d;
using torch::nn::Conv2dOptions;

// torchvision's Conv2dNormActivation with ReLU6: Sequential(conv (no bias), BN, ReLU6).
nn::SequentialBlock conv_bn_relu6(int64_t in, int64_t out, int64_t kernel, int64_t stride = 1, int64_t groups = 1) {
  nn::SequentialBlock block;
  block->push_back(
      Conv2d(Conv2dOptions(in, out, kernel).stride(stride).padding((kernel - 1) / 2).groups(groups).bias(false)));
  block->push_back(BatchNorm2d(out));
  block->push_back(torch::nn::ReLU6());
  return block;
}

class InvertedResidualImpl : public torch::nn::Module {
 public:
  InvertedResidualImpl(int64_t in, int64_t out, int64_t stride, int64_t expand_ratio)
      : use_residual_(stride == 1 && in == out) {
    const int64_t hidden = in * expand_ratio;
    nn::SequentialBlock conv;
    if (expand_ratio != 1) conv->push_back(conv_bn_relu6(in, hidden, 1));
    conv->push_back(conv_bn_relu6(hidden, hidden, 3, stride, hidden));
    conv->push_back(Conv2d(Conv2dOptions(hidden, out, 1).bias(false)));
    conv->push_back(BatchNorm2d(out));
    conv_ = register_module("conv", conv);
  }
  torch::Tensor forward(const torch::Tensor& x) {
    return use_residual_ ? x + conv_->forward(x) : conv_->forward(x);
  }

 private:
  bool use_residual_;
  nn::SequentialBlock conv_{nullptr};
};
TORCH_MODULE(InvertedResidual);

constexpr std::array<size_t, 5> kOutputIndexes = {1, 3, 6, 13, 18};

}  // namespace

MobileNetV2EncoderImpl::MobileNetV2EncoderImpl(std::vector<int64_t> out_channels, int depth)
    : EncoderImpl(std::move(out_channels), depth) {
  // torchvision's inverted_residual_setting: expansion t, channels c, repeats n, first stride s.
  struct Setting {
    int64_t t, c, n, s;
  };
  constexpr Setting kSettings[] = {{1, 16, 1, 1},  {6, 24, 2, 2},  {6, 32, 3, 2}, {6, 64, 4, 2},
                                   {6, 96, 3, 1},  {6, 160, 3, 2}, {6, 320, 1, 1}};
  features_ = torch::nn::Sequential();
  int64_t channels = 32;
  features_->push_back(conv_bn_relu6(3, channels, 3, 2));
  for (const Setting& setting : kSettings) {
    for (int64_t i = 0; i < setting.n; ++i) {
      features_->push_back(InvertedResidual(channels, setting.c, i == 0 ? setting.s : 1, setting.t));
      channels = setting.c;
    }
  }
  features_->push_back(conv_bn_relu6(channels, 1280, 1));
  register_module("features", features_);
  initialize_like_torchvision(*this, /*fan_out=*/true);
}

std::vector<torch::Tensor> MobileNetV2EncoderImpl::forward(torch::Tensor x) {
  std::vector<torch::Tensor> features{x};
  size_t index = 0;
  for (auto& module : *features_) {
    if (static_cast<int>(features.size()) > depth_) break;
    x = module.forward(x);
    if (std::find(kOutputIndexes.begin(), kOutputIndexes.end(), index++) != kOutputIndexes.end()) {
      features.push_back(x);
    }
  }
  return features;
}

std::vector<std::pair<int, std::vector<std::shared_ptr<torch::nn::Module>>>> MobileNetV2EncoderImpl::stages() {
  const auto range = [this](size_t begin, size_t end) {
    std::vector<std::shared_ptr<torch::nn::Module>> modules;
    for (size_t i = begin; i < end; ++i) modules.push_back(features_->ptr(i));
    return modules;
  };
  return {{16, range(7, 14)}, {32, range(14, features_->size())}};
}

std::vector<EncoderSpec> mobilenet_encoders() {
  const std::vector<int64_t> channels = {3, 16, 24, 32, 96, 1280};
  return {EncoderSpec{"mobilenet_v2", "mobilenet", channels, [channels](int depth) -> std::shared_ptr<EncoderImpl> {
                        return std::make_shared<MobileNetV2EncoderImpl>(channels, depth);
                      }}};
}

}  // namespace segkit::encoders
