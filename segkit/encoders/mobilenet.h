#pragma once
// torchvision MobileNetV2 as SMP's MobileNetV2Encoder: `features` is a Sequential of 19 modules
// (stem Conv-BN-ReLU6, 17 inverted residual blocks, final 1x1 Conv-BN-ReLU6 to 1280); the features
// are the outputs of modules 1, 3, 6, 13 and 18 (strides 2..32). Keys: features.0.0.weight,
// features.2.conv.1.0.weight, ...; the classifier is not created. Dilation: features 7-13 (stride 16)
// and 14-18 (stride 32).

#include <torch/nn/modules/container/sequential.h>

#include <vector>

#include "segkit/encoders/encoder.h"
#include "segkit/encoders/encoder_spec.h"

namespace segkit::encoders {

class MobileNetV2EncoderImpl : public EncoderImpl {
 public:
  MobileNetV2EncoderImpl(std::vector<int64_t> out_channels, int depth);
  std::vector<torch::Tensor> forward(torch::Tensor x) override;

 protected:
  std::vector<std::pair<int, std::vector<std::shared_ptr<torch::nn::Module>>>> stages() override;

 private:
  torch::nn::Sequential features_{nullptr};
};

/// mobilenet_v2.
std::vector<EncoderSpec> mobilenet_encoders();

}  // namespace segkit::encoders
