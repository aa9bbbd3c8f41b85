#pragma once
// SMP's timm-efficientnet-b0 ... b7 encoders: timm's EfficientNet (timm names: conv_stem, bn1,
// blocks.S.B.{conv_dw, bn1, se.conv_reduce, se.conv_expand, conv_pw, bn2} for the depthwise-separable
// first stage and {conv_pw, bn1, conv_dw, bn2, se, conv_pwl, bn3} for the inverted residuals,
// conv_head, bn2). Unlike SMP's own efficientnet-b*, padding is symmetric (PyTorch style), BatchNorm is
// PyTorch's (eps 1e-5, momentum 0.1) and the SE width is round(block input * 0.25). Features: the
// stem (after BN + SiLU), then after stages 1, 2, 4 and 6. conv_head/bn2 are kept for strict loading
// but never run. Stochastic depth: 0.2 at the last block, scaled by block index (training only).

#include <torch/nn/modules/conv.h>

#include <vector>

#include "segkit/encoders/encoder.h"
#include "segkit/encoders/encoder_spec.h"
#include "segkit/nn/batchnorm.h"

namespace segkit::encoders {

struct TimmEfficientNetScaling {
  double width;
  double depth;
};

class TimmEfficientNetEncoderImpl : public EncoderImpl {
 public:
  TimmEfficientNetEncoderImpl(const TimmEfficientNetScaling& scaling, std::vector<int64_t> out_channels, int depth);
  std::vector<torch::Tensor> forward(torch::Tensor x) override;

 protected:
  std::vector<std::pair<int, std::vector<std::shared_ptr<torch::nn::Module>>>> stages() override;

 private:
  torch::nn::Conv2d stem_conv_{nullptr};
  nn::BatchNorm2d stem_bn_{nullptr};
  std::vector<std::shared_ptr<torch::nn::Module>> stages_;  // timm's 7 stages of blocks
};

/// timm-efficientnet-b0 ... timm-efficientnet-b7.
std::vector<EncoderSpec> timm_efficientnet_encoders();

}  // namespace segkit::encoders
