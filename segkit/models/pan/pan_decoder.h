#pragma once
// SMP's PANDecoder (decoders/pan/decoder.py, Pyramid Attention Network): a feature pyramid attention
// block (FPA: global-pool branch, 1x1 middle branch, a 7-5-3 down/up pyramid to one channel that gates
// the middle branch) on the deepest feature, then global attention upsampling (GAU) blocks, each
// gating its skip by the pooled high-level map, at 1/16 (depth 5), 1/8 (depth >= 4) and 1/4. Output at
// stride 4. The FPA always resizes bilinearly with align_corners=True; the GAU's mode is
// `decoder_interpolation`.

#include <string>
#include <vector>

#include "segkit/models/decoder.h"

namespace segkit::models {

class PANDecoderImpl : public DecoderImpl {
 public:
  PANDecoderImpl(const std::vector<int64_t>& encoder_channels, int encoder_depth, int64_t decoder_channels,
                 const std::string& interpolation);
  torch::Tensor forward(const std::vector<torch::Tensor>& features) override;

 private:
  std::shared_ptr<torch::nn::Module> fpa_;
  std::vector<std::shared_ptr<torch::nn::Module>> gaus_;  // deepest first: gau3, gau2, gau1
};

}  // namespace segkit::models
