#pragma once
// SMP's FPNDecoder (decoders/fpn/decoder.py): lateral 1x1 convs (p5, p4/p3/p2.skip_conv) with a
// top-down x2 upsampling (nearest) and add; segmentation blocks of Conv3x3 + GroupNorm(32) + ReLU with
// bilinear x2 upsampling (align_corners=True), repeated 3/2/1/0 times; merge by sum ("add") or concat
// ("cat"); Dropout2d. Output stride 4.

#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>

#include <string>
#include <vector>

#include "segkit/models/decoder.h"

namespace segkit::models {

struct FPNDecoderOptions {
  int64_t pyramid_channels = 256;
  int64_t segmentation_channels = 128;
  double dropout = 0.2;
  std::string merge_policy = "add";
  std::string interpolation = "nearest";
};

class FPNDecoderImpl : public DecoderImpl {
 public:
  FPNDecoderImpl(const std::vector<int64_t>& encoder_channels, int encoder_depth, const FPNDecoderOptions& options);
  torch::Tensor forward(const std::vector<torch::Tensor>& features) override;
  int64_t out_channels() const { return out_channels_; }

 private:
  FPNDecoderOptions options_;
  int64_t out_channels_;
  torch::nn::Conv2d p5_{nullptr};
  std::vector<torch::nn::Conv2d> lateral_;            // p4, p3, p2 skip convs
  std::vector<torch::nn::Sequential> seg_blocks_;     // Conv3x3GNReLU chains
  torch::nn::Dropout2d dropout_{nullptr};
};

}  // namespace segkit::models
