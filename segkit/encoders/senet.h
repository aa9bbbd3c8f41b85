#pragma once
// SENet / SE-ResNet / SE-ResNeXt in the pretrainedmodels layout SMP uses (encoders/_senet.py):
// layer0 = Sequential(conv1, bn1, relu1[, conv2, bn2, relu2, conv3, bn3, relu3]) (f1, stride 2), then
// a ceil-mode max pool (kept outside layer0, as SMP's `layer0_pool`), layer1..layer4 (f2..f5).
// Bottlenecks end in an SE module (`se_module.fc1/fc2`, 1x1 convs with bias); SE-ResNet puts the
// stride on conv1 (Caffe style), SE-ResNeXt and SENet154 on the 3x3 conv. Dilation: layer3, layer4.

#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/pooling.h>

#include <vector>

#include "segkit/encoders/encoder.h"
#include "segkit/encoders/encoder_spec.h"

namespace segkit::encoders {

enum class SeBlock { kSENet, kSEResNet, kSEResNeXt };

struct SENetConfig {
  SeBlock block = SeBlock::kSEResNeXt;
  std::vector<int> layers;
  int64_t groups = 32;
  int64_t inplanes = 64;
  bool input_3x3 = false;
  int64_t downsample_kernel_size = 1;
  int64_t downsample_padding = 0;
};

class SENetEncoderImpl : public EncoderImpl {
 public:
  SENetEncoderImpl(const SENetConfig& config, std::vector<int64_t> out_channels, int depth);
  std::vector<torch::Tensor> forward(torch::Tensor x) override;

 protected:
  std::vector<std::pair<int, std::vector<std::shared_ptr<torch::nn::Module>>>> stages() override;

 private:
  torch::nn::Sequential make_layer(const SENetConfig& config, int64_t planes, int blocks, int64_t stride,
                                   int64_t downsample_kernel_size, int64_t downsample_padding);

  int64_t inplanes_;
  torch::nn::Sequential layer0_{nullptr}, layer1_{nullptr}, layer2_{nullptr}, layer3_{nullptr}, layer4_{nullptr};
  torch::nn::MaxPool2d layer0_pool_{nullptr};
};

/// senet154, se_resnet50/101/152, se_resnext50_32x4d, se_resnext101_32x4d.
std::vector<EncoderSpec> senet_encoders();

}  // namespace segkit::encoders
