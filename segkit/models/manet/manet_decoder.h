#pragma once
// SMP's MAnetDecoder (decoders/manet/decoder.py): a position-wise attention block (PAB) on the deepest
// feature (`decoder.center`), then per skip a multi-scale fusion attention block (MFAB: the upsampled
// map and the skip each through squeeze-excitation, the sum gating the map before the concat) and, for
// the last level without a skip, a plain Unet block. Upsampling is x2 (scale_factor, so the input must
// divide by 2^depth), `decoder_interpolation` nearest by default.

#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>

#include <string>
#include <vector>

#include "segkit/models/decoder.h"
#include "segkit/nn/conv2d_relu.h"

namespace segkit::models {

struct MAnetDecoderOptions {
  std::vector<int64_t> decoder_channels = {256, 128, 64, 32, 16};
  nn::NormType norm = nn::NormType::kBatchNorm;
  int64_t pab_channels = 64;
  int64_t reduction = 16;
  std::string interpolation = "nearest";
};

class MAnetDecoderImpl : public DecoderImpl {
 public:
  MAnetDecoderImpl(const std::vector<int64_t>& encoder_channels, int encoder_depth, const MAnetDecoderOptions& options);
  torch::Tensor forward(const std::vector<torch::Tensor>& features) override;
  int64_t out_channels() const { return options_.decoder_channels.back(); }

 private:
  MAnetDecoderOptions options_;
  std::shared_ptr<torch::nn::Module> center_;
  std::vector<std::shared_ptr<torch::nn::Module>> blocks_;
};

}  // namespace segkit::models
