#pragma once
// SMP's UPerNetDecoder (decoders/upernet/decoder.py): each feature from stride 4 down is layer-normed
// over its channels (`feature_norms`, eps 1e-6); a PSP module (pools 1, 2, 3, 6, each a 1x1
// Conv2dReLU, resized bilinearly back, concatenated with the feature, a 3x3 Conv2dReLU that always
// batch-norms) on the deepest; a top-down FPN (1x1 lateral Conv2dReLU + the upsampled state), a 3x3
// Conv2dReLU per level; every level resized to stride 4, concatenated shallowest first, fused by a
// 3x3 Conv2dReLU. All resizing bilinear, align_corners=False.

#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/normalization.h>

#include <vector>

#include "segkit/models/decoder.h"
#include "segkit/nn/conv2d_relu.h"

namespace segkit::models {

class UPerNetDecoderImpl : public DecoderImpl {
 public:
  UPerNetDecoderImpl(const std::vector<int64_t>& encoder_channels, int encoder_depth, int64_t decoder_channels,
                     nn::NormType norm);
  torch::Tensor forward(const std::vector<torch::Tensor>& features) override;

 private:
  std::vector<torch::nn::LayerNorm> feature_norms_;
  std::vector<torch::nn::Sequential> psp_pools_;
  nn::SequentialBlock psp_out_{nullptr};
  std::vector<nn::SequentialBlock> laterals_, fpn_convs_;
  nn::SequentialBlock fusion_{nullptr};
};

}  // namespace segkit::models
