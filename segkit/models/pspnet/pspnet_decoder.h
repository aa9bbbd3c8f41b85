#pragma once
// SMP's PSPDecoder (decoders/pspnet/decoder.py): on the deepest feature, a pyramid of adaptive average
// pools (1, 2, 3, 6) each followed by a 1x1 Conv2dReLU to C/4 channels (pool size 1: no norm, conv with
// bias) and bilinear upsampling (align_corners=True) back; concat [p1, p2, p3, p6, x]; a 1x1 Conv2dReLU
// to `out_channels`; Dropout2d. Keys: decoder.psp.blocks.N.pool.1.*, decoder.conv.*.

#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/dropout.h>

#include <vector>

#include "segkit/models/decoder.h"
#include "segkit/nn/conv2d_relu.h"

namespace segkit::models {

class PSPDecoderImpl : public DecoderImpl {
 public:
  PSPDecoderImpl(const std::vector<int64_t>& encoder_channels, nn::NormType norm, int64_t out_channels,
                 double dropout);
  torch::Tensor forward(const std::vector<torch::Tensor>& features) override;

 private:
  std::vector<torch::nn::Sequential> pools_;
  nn::SequentialBlock conv_{nullptr};
  torch::nn::Dropout2d dropout_{nullptr};
};

}  // namespace segkit::models
