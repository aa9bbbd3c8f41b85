#pragma once
// SMP's SegformerDecoder (decoders/segformer/decoder.py): each feature from stride 4 down through a
// per-position linear layer to `segmentation_channels` (`mlp_stage.N.linear`, deepest first), resized
// bilinearly (align_corners=False) to a quarter of the input, concatenated, fused by a 1x1
// Conv2dReLU with BatchNorm (`fuse_stage`). An empty stride-2 feature (transformer encoders) is skipped.

#include <torch/nn/modules/linear.h>

#include <vector>

#include "segkit/models/decoder.h"
#include "segkit/nn/conv2d_relu.h"

namespace segkit::models {

class SegformerDecoderImpl : public DecoderImpl {
 public:
  SegformerDecoderImpl(const std::vector<int64_t>& encoder_channels, int encoder_depth, int64_t segmentation_channels);
  torch::Tensor forward(const std::vector<torch::Tensor>& features) override;

 private:
  std::vector<torch::nn::Linear> linears_;
  nn::SequentialBlock fuse_{nullptr};
};

}  // namespace segkit::models
