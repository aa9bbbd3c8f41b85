#pragma once
// timm's ConvNeXt through SMP's `tu-` wrapper: `tu-convnext_tiny`, `tu-convnext_small`,
// `tu-convnext_base`. timm's features_only wrapper flattens the top-level sequences, so the names are
// model.stem_0 (4x4 patch conv), model.stem_1 (LayerNorm2d), model.stages_N.downsample.{0,1}
// (LayerNorm2d, 2x2 conv) and model.stages_N.blocks.M.{gamma, conv_dw, norm, mlp.fc1, mlp.fc2}.
// The model starts at stride 4, so as SMP does the stride-2 feature is an empty (0-channel) tensor:
// channels [in, 0, C1, C2, C3, C4]. Initialised as timm does (truncated normal, std 0.02; layer
// scale 1e-6). encoder_output_stride 32 only.

#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/normalization.h>

#include <vector>

#include "segkit/encoders/encoder.h"
#include "segkit/encoders/encoder_spec.h"

namespace segkit::encoders {

class TimmConvNeXtEncoderImpl : public EncoderImpl {
 public:
  TimmConvNeXtEncoderImpl(const std::vector<int64_t>& stage_depths, std::vector<int64_t> out_channels, int depth);
  std::vector<torch::Tensor> forward(torch::Tensor x) override;

 private:
  torch::nn::Conv2d stem_conv_{nullptr};
  torch::nn::LayerNorm stem_norm_{nullptr};
  std::vector<std::shared_ptr<torch::nn::Module>> stages_;
};

/// tu-convnext_tiny, tu-convnext_small, tu-convnext_base.
std::vector<EncoderSpec> timm_convnext_encoders();

}  // namespace segkit::encoders
