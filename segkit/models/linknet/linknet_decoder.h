#pragma once
// SMP's LinknetDecoder (decoders/linknet/decoder.py): blocks of 1x1 Conv2dReLU (C -> C/4),
// ConvTranspose2d(k=4, s=2, p=1, bias) + norm + ReLU, 1x1 Conv2dReLU (-> out), then add the skip.
// Keys: decoder.blocks.N.block.{0,1,2}.*; the last block outputs 32 channels (prefinal).

#include <torch/nn/modules/container/sequential.h>

#include <vector>

#include "segkit/models/decoder.h"
#include "segkit/nn/conv2d_relu.h"

namespace segkit::models {

class LinknetDecoderImpl : public DecoderImpl {
 public:
  LinknetDecoderImpl(const std::vector<int64_t>& encoder_channels, int64_t prefinal_channels, nn::NormType norm);
  torch::Tensor forward(const std::vector<torch::Tensor>& features) override;

 private:
  std::vector<torch::nn::Sequential> blocks_;
};

}  // namespace segkit::models
