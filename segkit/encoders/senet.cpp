#include "segkit/encoders/senet.h"

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include "segkit/nn/batchnorm.h"

namespace segkit::encoders {
namespace {

using nn::BatchNorm2d;
using torch::nn::Conv2d;
using torch::nn::Conv2dOptions;

class SEModuleImpl : public torch::nn::Module {
 public:
  SEModuleImpl(int64_t channels, int64_t reduction) {
    fc1_ = register_module("fc1", Conv2d(Conv2dOptions(channels, channels / reduction, 1)));
    fc2_ = register_module("fc2", Conv2d(Conv2dOptions(channels / reduction, channels, 1)));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor scale = torch::adaptive_avg_pool2d(x, {1, 1});
    scale = torch::sigmoid(fc2_->forward(torch::relu(fc1_->forward(scale))));
    return x * scale;
  }

 private:
  Conv2d fc1_{nullptr}, fc2_{nullptr};
};
TORCH_MODULE(SEModule);

// The three pretrainedmodels bottlenecks differ only in widths and where the stride sits.
class SEBottleneckImpl : public torch::nn::Module {
 public:
  static constexpr int64_t kExpansion = 4;
  SEBottleneckImpl(SeBlock kind, int64_t inplanes, int64_t planes, int64_t groups, int64_t stride,
                   torch::nn::Sequential downsample) {
    int64_t width1 = planes, width2 = planes, stride1 = 1, stride2 = stride;
    if (kind == SeBlock::kSENet) {
      width1 = planes * 2;
      width2 = planes * 4;
    } else if (kind == SeBlock::kSEResNet) {
      stride1 = stride;
      stride2 = 1;
    } else {
      constexpr int64_t kBaseWidth = 4;
      width1 = width2 = (planes * kBaseWidth / 64) * groups;
    }
    const int64_t out = planes * kExpansion;
    conv1_ = register_module("conv1", Conv2d(Conv2dOptions(inplanes, width1, 1).stride(stride1).bias(false)));
    bn1_ = register_module("bn1", BatchNorm2d(width1));
    conv2_ = register_module(
        "conv2",
        Conv2d(Conv2dOptions(width1, width2, 3).stride(stride2).padding(1).groups(groups).bias(false)));
    bn2_ = register_module("bn2", BatchNorm2d(width2));
    conv3_ = register_module("conv3", Conv2d(Conv2dOptions(width2, out, 1).bias(false)));
    bn3_ = register_module("bn3", BatchNorm2d(out));
    constexpr int64_t kReduction = 16;
    se_module_ = register_module("se_module", SEModule(out, kReduction));
    if (downsample) downsample_ = register_module("downsample", downsample);
  }
  torch::Tensor forward(torch::Tensor x) {
    torch::Tensor residual = downsample_ ? downsample_->forward(x) : x;
    torch::Tensor out = torch::relu(bn1_->forward(conv1_->forward(x)));
    out = torch::relu(bn2_->forward(conv2_->forward(out)));
    out = bn3_->forward(conv3_->forward(out));
    return torch::relu(se_module_->forward(out) + residual);
  }

 private:
  Conv2d conv1_{nullptr}, conv2_{nullptr}, conv3_{nullptr};
  BatchNorm2d bn1_{nullptr}, bn2_{nullptr}, bn3_{nullptr};
  SEModule se_module_{nullptr};
  torch::nn::Sequential downsample_{nullptr};
};
TORCH_MODULE(SEBottleneck);

}  // namespace

SENetEncoderImpl::SENetEncoderImpl(const SENetConfig& config, std::vector<int64_t> out_channels, int depth)
    : EncoderImpl(std::move(out_channels), depth), inplanes_(config.inplanes) {
  const auto conv = [](int64_t in, int64_t out, int64_t kernel, int64_t stride) {
    return Conv2d(Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2).bias(false));
  };
  if (config.input_3x3) {
    layer0_ = torch::nn::Sequential({{"conv1", conv(3, 64, 3, 2)},
                                     {"bn1", BatchNorm2d(64)},
                                     {"relu1", torch::nn::ReLU()},
                                     {"conv2", conv(64, 64, 3, 1)},
                                     {"bn2", BatchNorm2d(64)},
                                     {"relu2", torch::nn::ReLU()},
                                     {"conv3", conv(64, config.inplanes, 3, 1)},
                                     {"bn3", BatchNorm2d(config.inplanes)},
                                     {"relu3", torch::nn::ReLU()}});
  } else {
    layer0_ = torch::nn::Sequential({{"conv1", conv(3, config.inplanes, 7, 2)},
                                     {"bn1", BatchNorm2d(config.inplanes)},
                                     {"relu1", torch::nn::ReLU()}});
  }
  register_module("layer0", layer0_);
  layer1_ = register_module("layer1", make_layer(config, 64, config.layers[0], 1, 1, 0));
  layer2_ = register_module("layer2", make_layer(config, 128, config.layers[1], 2, config.downsample_kernel_size,
                                                 config.downsample_padding));
  layer3_ = register_module("layer3", make_layer(config, 256, config.layers[2], 2, config.downsample_kernel_size,
                                                 config.downsample_padding));
  layer4_ = register_module("layer4", make_layer(config, 512, config.layers[3], 2, config.downsample_kernel_size,
                                                 config.downsample_padding));
  // Caffe-compatible pooling: ceil_mode instead of padding.
  layer0_pool_ = register_module(
      "layer0_pool", torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(3).stride(2).ceil_mode(true)));
}

torch::nn::Sequential SENetEncoderImpl::make_layer(const SENetConfig& config, int64_t planes, int blocks,
                                                   int64_t stride, int64_t downsample_kernel_size,
                                                   int64_t downsample_padding) {
  const int64_t out = planes * SEBottleneckImpl::kExpansion;
  torch::nn::Sequential layer;
  for (int i = 0; i < blocks; ++i) {
    torch::nn::Sequential downsample{nullptr};
    if (i == 0 && (stride != 1 || inplanes_ != out)) {
      downsample = torch::nn::Sequential(Conv2d(Conv2dOptions(inplanes_, out, downsample_kernel_size)
                                                    .stride(stride)
                                                    .padding(downsample_padding)
                                                    .bias(false)),
                                         BatchNorm2d(out));
    }
    layer->push_back(SEBottleneck(config.block, inplanes_, planes, config.groups, i == 0 ? stride : 1, downsample));
    inplanes_ = out;
  }
  return layer;
}

std::vector<torch::Tensor> SENetEncoderImpl::forward(torch::Tensor x) {
  std::vector<torch::Tensor> features{x};
  if (depth_ >= 1) features.push_back(x = layer0_->forward(x));
  if (depth_ >= 2) features.push_back(x = layer1_->forward(layer0_pool_->forward(x)));
  if (depth_ >= 3) features.push_back(x = layer2_->forward(x));
  if (depth_ >= 4) features.push_back(x = layer3_->forward(x));
  if (depth_ >= 5) features.push_back(x = layer4_->forward(x));
  return features;
}

std::vector<std::pair<int, std::vector<std::shared_ptr<torch::nn::Module>>>> SENetEncoderImpl::stages() {
  return {{16, {layer3_.ptr()}}, {32, {layer4_.ptr()}}};
}

std::vector<EncoderSpec> senet_encoders() {
  const std::vector<int64_t> channels = {3, 64, 256, 512, 1024, 2048};
  const auto spec = [](std::string name, std::vector<int64_t> out_channels, SENetConfig config) {
    return EncoderSpec{name, "senet", out_channels,
                       [config, out_channels](int depth) -> std::shared_ptr<EncoderImpl> {
                         return std::make_shared<SENetEncoderImpl>(config, out_channels, depth);
                       }};
  };
  return {
      spec("senet154", {3, 128, 256, 512, 1024, 2048}, {SeBlock::kSENet, {3, 8, 36, 3}, 64, 128, true, 3, 1}),
      spec("se_resnet50", channels, {SeBlock::kSEResNet, {3, 4, 6, 3}, 1}),
      spec("se_resnet101", channels, {SeBlock::kSEResNet, {3, 4, 23, 3}, 1}),
      spec("se_resnet152", channels, {SeBlock::kSEResNet, {3, 8, 36, 3}, 1}),
      spec("se_resnext50_32x4d", channels, {SeBlock::kSEResNeXt, {3, 4, 6, 3}, 32}),
      spec("se_resnext101_32x4d", channels, {SeBlock::kSEResNeXt, {3, 4, 23, 3}, 32}),
  };
}

}  // namespace segkit::encoders
