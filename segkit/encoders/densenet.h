#pragma once
// torchvision DenseNet as SMP's DenseNetEncoder. Features: relu0 (f1), then after each transition's
// norm + relu, before its conv and pool (f2..f4), and norm5 without ReLU (f5). Names follow
// torchvision: features.conv0, features.denseblock1.denselayer1.norm1, features.transition1.conv, ...
// Dilation is refused: DenseNet downsamples by pooling, as SMP says.

#include <vector>

#include "segkit/encoders/encoder.h"
#include "segkit/encoders/encoder_spec.h"

namespace segkit::encoders {

struct DenseNetConfig {
  int64_t num_init_features = 64;
  int64_t growth_rate = 32;
  std::vector<int> block_config;
  int64_t bn_size = 4;
};

class DenseNetEncoderImpl : public EncoderImpl {
 public:
  DenseNetEncoderImpl(const DenseNetConfig& config, std::vector<int64_t> out_channels, int depth);
  std::vector<torch::Tensor> forward(torch::Tensor x) override;

 private:
  std::shared_ptr<torch::nn::Module> features_;
};

/// densenet121, densenet169, densenet201, densenet161.
std::vector<EncoderSpec> densenet_encoders();

}  // namespace segkit::encoders
