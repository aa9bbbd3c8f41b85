#pragma once
// torchvision ResNet / ResNeXt as SMP's ResNetEncoder: conv1 -> bn1 -> relu (f1, stride 2), maxpool ->
// layer1 (f2), layer2 (f3), layer3 (f4), layer4 (f5). Bottlenecks put the stride on the 3x3 conv
// (torchvision v1.5). Names: conv1, bn1, layer1.0.conv1, layer1.0.downsample.0, ...; fc and avgpool
// are not created. Dilation applies to layer3 (stride 16) and layer4 (stride 32).

#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/pooling.h>

#include <string>
#include <vector>

#include "segkit/encoders/encoder.h"
#include "segkit/encoders/encoder_spec.h"
#include "segkit/nn/batchnorm.h"

namespace segkit::encoders {

struct ResNetConfig {
  bool bottleneck = false;
  std::vector<int> layers;  // blocks per stage
  int64_t groups = 1;
  int64_t width_per_group = 64;
};

class ResNetEncoderImpl : public EncoderImpl {
 public:
  ResNetEncoderImpl(const ResNetConfig& config, std::vector<int64_t> out_channels, int depth);
  std::vector<torch::Tensor> forward(torch::Tensor x) override;

 protected:
  std::vector<std::pair<int, std::vector<std::shared_ptr<torch::nn::Module>>>> stages() override;

 private:
  torch::nn::Sequential make_layer(const ResNetConfig& config, int64_t planes, int blocks, int64_t stride);

  int64_t inplanes_ = 64;
  torch::nn::Conv2d conv1_{nullptr};
  nn::BatchNorm2d bn1_{nullptr};
  torch::nn::MaxPool2d maxpool_{nullptr};
  torch::nn::Sequential layer1_{nullptr}, layer2_{nullptr}, layer3_{nullptr}, layer4_{nullptr};
};

/// resnet18/34/50/101/152, resnext50_32x4d, resnext101_32x4d/8d/16d.
std::vector<EncoderSpec> resnet_encoders();

}  // namespace segkit::encoders
