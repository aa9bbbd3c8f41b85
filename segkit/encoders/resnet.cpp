#include "segkit/encoders/resnet.h"

#include <torch/nn/modules/activation.h>
#include "segkit/nn/batchnorm.h"

namespace segkit::encoders {
namespace {

using nn::BatchNorm2d;
using torch::nn::Conv2d;
using torch::nn::Conv2dOptions;

Conv2d conv3x3(int64_t in, int64_t out, int64_t stride = 1, int64_t groups = 1) {
  return Conv2d(Conv2dOptions(in, out, 3).stride(stride).padding(1).groups(groups).bias(false));
}
Conv2d conv1x1(int64_t in, int64_t out, int64_t stride = 1) {
  return Conv2d(Conv2dOptions(in, out, 1).stride(stride).bias(false));
}

class BasicBlockImpl : public torch::nn::Module {
 public:
  static constexpr int64_t kExpansion = 1;
  BasicBlockImpl(int64_t inplanes, int64_t planes, int64_t stride, torch::nn::Sequential downsample) {
    conv1_ = register_module("conv1", conv3x3(inplanes, planes, stride));
    bn1_ = register_module("bn1", BatchNorm2d(planes));
    conv2_ = register_module("conv2", conv3x3(planes, planes));
    bn2_ = register_module("bn2", BatchNorm2d(planes));
    if (downsample) downsample_ = register_module("downsample", downsample);
  }
  torch::Tensor forward(torch::Tensor x) {
    torch::Tensor identity = downsample_ ? downsample_->forward(x) : x;
    torch::Tensor out = torch::relu(bn1_->forward(conv1_->forward(x)));
    out = bn2_->forward(conv2_->forward(out));
    return torch::relu(out + identity);
  }

 private:
  Conv2d conv1_{nullptr}, conv2_{nullptr};
  BatchNorm2d bn1_{nullptr}, bn2_{nullptr};
  torch::nn::Sequential downsample_{nullptr};
};
TORCH_MODULE(BasicBlock);

class BottleneckImpl : public torch::nn::Module {
 public:
  static constexpr int64_t kExpansion = 4;
  BottleneckImpl(int64_t inplanes, int64_t planes, int64_t stride, torch::nn::Sequential downsample,
                 int64_t groups, int64_t base_width) {
    const int64_t width = static_cast<int64_t>(planes * (base_width / 64.0)) * groups;
    conv1_ = register_module("conv1", conv1x1(inplanes, width));
    bn1_ = register_module("bn1", BatchNorm2d(width));
    conv2_ = register_module("conv2", conv3x3(width, width, stride, groups));
    bn2_ = register_module("bn2", BatchNorm2d(width));
    conv3_ = register_module("conv3", conv1x1(width, planes * kExpansion));
    bn3_ = register_module("bn3", BatchNorm2d(planes * kExpansion));
    if (downsample) downsample_ = register_module("downsample", downsample);
  }
  torch::Tensor forward(torch::Tensor x) {
    torch::Tensor identity = downsample_ ? downsample_->forward(x) : x;
    torch::Tensor out = torch::relu(bn1_->forward(conv1_->forward(x)));
    out = torch::relu(bn2_->forward(conv2_->forward(out)));
    out = bn3_->forward(conv3_->forward(out));
    return torch::relu(out + identity);
  }

 private:
  Conv2d conv1_{nullptr}, conv2_{nullptr}, conv3_{nullptr};
  BatchNorm2d bn1_{nullptr}, bn2_{nullptr}, bn3_{nullptr};
  torch::nn::Sequential downsample_{nullptr};
};
TORCH_MODULE(Bottleneck);

}  // namespace

ResNetEncoderImpl::ResNetEncoderImpl(const ResNetConfig& config, std::vector<int64_t> out_channels, int depth)
    : EncoderImpl(std::move(out_channels), depth) {
  conv1_ = register_module("conv1", Conv2d(Conv2dOptions(3, 64, 7).stride(2).padding(3).bias(false)));
  bn1_ = register_module("bn1", BatchNorm2d(64));
  maxpool_ = register_module("maxpool", torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(3).stride(2).padding(1)));
  layer1_ = register_module("layer1", make_layer(config, 64, config.layers[0], 1));
  layer2_ = register_module("layer2", make_layer(config, 128, config.layers[1], 2));
  layer3_ = register_module("layer3", make_layer(config, 256, config.layers[2], 2));
  layer4_ = register_module("layer4", make_layer(config, 512, config.layers[3], 2));
  initialize_like_torchvision(*this, /*fan_out=*/true);
}

torch::nn::Sequential ResNetEncoderImpl::make_layer(const ResNetConfig& config, int64_t planes, int blocks,
                                                    int64_t stride) {
  const int64_t expansion = config.bottleneck ? BottleneckImpl::kExpansion : BasicBlockImpl::kExpansion;
  torch::nn::Sequential layer;
  for (int i = 0; i < blocks; ++i) {
    const int64_t block_stride = i == 0 ? stride : 1;
    torch::nn::Sequential downsample{nullptr};
    if (i == 0 && (stride != 1 || inplanes_ != planes * expansion)) {
      downsample = torch::nn::Sequential(conv1x1(inplanes_, planes * expansion, stride),
                                         BatchNorm2d(planes * expansion));
    }
    if (config.bottleneck) {
      layer->push_back(Bottleneck(inplanes_, planes, block_stride, downsample, config.groups,
                                  config.width_per_group));
    } else {
      layer->push_back(BasicBlock(inplanes_, planes, block_stride, downsample));
    }
    inplanes_ = planes * expansion;
  }
  return layer;
}

std::vector<torch::Tensor> ResNetEncoderImpl::forward(torch::Tensor x) {
  std::vector<torch::Tensor> features{x};
  if (depth_ >= 1) {
    x = torch::relu(bn1_->forward(conv1_->forward(x)));
    features.push_back(x);
  }
  if (depth_ >= 2) {
    x = layer1_->forward(maxpool_->forward(x));
    features.push_back(x);
  }
  if (depth_ >= 3) features.push_back(x = layer2_->forward(x));
  if (depth_ >= 4) features.push_back(x = layer3_->forward(x));
  if (depth_ >= 5) features.push_back(x = layer4_->forward(x));
  return features;
}

std::vector<std::pair<int, std::vector<std::shared_ptr<torch::nn::Module>>>> ResNetEncoderImpl::stages() {
  return {{16, {layer3_.ptr()}}, {32, {layer4_.ptr()}}};
}

std::vector<EncoderSpec> resnet_encoders() {
  const std::vector<int64_t> basic = {3, 64, 64, 128, 256, 512};
  const std::vector<int64_t> wide = {3, 64, 256, 512, 1024, 2048};
  const auto spec = [](std::string name, std::vector<int64_t> channels, ResNetConfig config) {
    return EncoderSpec{name, "resnet", channels, [config, channels](int depth) -> std::shared_ptr<EncoderImpl> {
                         return std::make_shared<ResNetEncoderImpl>(config, channels, depth);
                       }};
  };
  return {
      spec("resnet18", basic, {false, {2, 2, 2, 2}}),
      spec("resnet34", basic, {false, {3, 4, 6, 3}}),
      spec("resnet50", wide, {true, {3, 4, 6, 3}}),
      spec("resnet101", wide, {true, {3, 4, 23, 3}}),
      spec("resnet152", wide, {true, {3, 8, 36, 3}}),
      spec("resnext50_32x4d", wide, {true, {3, 4, 6, 3}, 32, 4}),
      spec("resnext101_32x4d", wide, {true, {3, 4, 23, 3}, 32, 4}),
      spec("resnext101_32x8d", wide, {true, {3, 4, 23, 3}, 32, 8}),
      spec("resnext101_32x16d", wide, {true, {3, 4, 23, 3}, 32, 16}),
  };
}

}  // namespace segkit::encoders
