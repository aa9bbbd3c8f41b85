#pragma once
// SMP's DeepLabV3Decoder and DeepLabV3PlusDecoder (decoders/deeplabv3/decoder.py).
//   DeepLabV3      ASPP on the deepest feature, 3x3 conv (no bias) + BN + ReLU.
//                  Keys: decoder.aspp.*, decoder.conv.weight, decoder.bn.*
//   DeepLabV3Plus  Sequential(ASPP, separable 3x3, BN, ReLU) on the deepest feature, upsampled
//                  bilinearly (align_corners=True) x4 (output stride 16, depth > 3) or x2, concatenated
//                  with a 1x1 conv (48 channels) of the stride-4 feature, then separable 3x3 + BN + ReLU.
//                  Keys: decoder.aspp.{0,1,2}.*, decoder.block1.{0,1}.*, decoder.block2.{0,1}.*

#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>

#include <vector>

#include "segkit/models/decoder.h"
#include "segkit/models/deeplab/aspp.h"
#include "segkit/nn/batchnorm.h"

namespace segkit::models {

class DeepLabV3DecoderImpl : public DecoderImpl {
 public:
  DeepLabV3DecoderImpl(int64_t in_channels, int64_t out_channels, const AsppOptions& options);
  torch::Tensor forward(const std::vector<torch::Tensor>& features) override;

 private:
  Aspp aspp_{nullptr};
  torch::nn::Conv2d conv_{nullptr};
  nn::BatchNorm2d bn_{nullptr};
};

class DeepLabV3PlusDecoderImpl : public DecoderImpl {
 public:
  DeepLabV3PlusDecoderImpl(const std::vector<int64_t>& encoder_channels, int encoder_depth, int64_t out_channels,
                           int output_stride, const AsppOptions& options);
  torch::Tensor forward(const std::vector<torch::Tensor>& features) override;

 private:
  nn::SequentialBlock aspp_{nullptr}, block1_{nullptr}, block2_{nullptr};
  int64_t scale_factor_;
};

}  // namespace segkit::models
