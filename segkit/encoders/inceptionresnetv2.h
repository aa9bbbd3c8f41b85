#pragma once
// InceptionResNetV2 (pretrainedmodels layout) as SMP's InceptionResNetV2Encoder. SMP patches the
// original "valid" network so features halve exactly: every square 3x3 conv and every max pool gets
// padding 1. Features: conv2d_2b (f1, 64 ch), conv2d_4a (f2, 192), repeat (f3, 320), repeat_1 (f4,
// 1088), conv2d_7b (f5, 1536). BN eps 1e-3. No dilation (pools downsample), as in SMP.

#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/pooling.h>

#include <vector>

#include "segkit/encoders/encoder.h"
#include "segkit/encoders/encoder_spec.h"

namespace segkit::encoders {

class InceptionResNetV2EncoderImpl : public EncoderImpl {
 public:
  InceptionResNetV2EncoderImpl(std::vector<int64_t> out_channels, int depth);
  std::vector<torch::Tensor> forward(torch::Tensor x) override;

 private:
  torch::nn::Sequential stem1_, stem2_, stage3_, stage4_, stage5_;
};

/// inceptionresnetv2.
std::vector<EncoderSpec> inceptionresnetv2_encoders();

}  // namespace segkit::encoders
