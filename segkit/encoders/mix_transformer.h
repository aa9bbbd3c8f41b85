#pragma once
// SMP's Mix Transformer encoders mit_b0 ... mit_b5 (SegFormer's backbone, encoders/mix_transformer.py):
// four stages of an overlapping patch embedding (conv + LayerNorm), transformer blocks with spatially
// reduced attention (q, kv, proj; sr conv + LayerNorm when sr_ratio > 1) and a Mix-FFN (fc1, 3x3
// depthwise conv, GELU, fc2), then a LayerNorm. Names: patch_embedN.{proj,norm}, blockN.M.{norm1,
// attn.{q,kv,proj,sr,norm}, norm2, mlp.{fc1,dwconv.dwconv,fc2}}, normN. Strides 4..32, so as SMP does
// the stride-2 feature is an empty (0-channel) tensor. Stochastic depth 0 ... 0.1 over the blocks
// (training only). Initialised as SMP: linear layers truncated normal (0.02), convolutions
// N(0, sqrt(2 / fan_out)).

#include <torch/nn/modules/normalization.h>

#include <vector>

#include "segkit/encoders/encoder.h"
#include "segkit/encoders/encoder_spec.h"

namespace segkit::encoders {

struct MixTransformerConfig {
  std::vector<int64_t> embed_dims, depths;
};

class MixTransformerEncoderImpl : public EncoderImpl {
 public:
  MixTransformerEncoderImpl(const MixTransformerConfig& config, std::vector<int64_t> out_channels, int depth);
  std::vector<torch::Tensor> forward(torch::Tensor x) override;

 protected:
  std::vector<std::pair<int, std::vector<std::shared_ptr<torch::nn::Module>>>> stages() override;

 private:
  std::vector<std::shared_ptr<torch::nn::Module>> embeds_, blocks_;
  std::vector<torch::nn::LayerNorm> norms_;
};

/// mit_b0 ... mit_b5.
std::vector<EncoderSpec> mix_transformer_encoders();

}  // namespace segkit::encoders
