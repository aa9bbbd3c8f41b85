#pragma once
// SMP's UnetPlusPlusDecoder (decoders/unetplusplus/decoder.py): nested dense skip pathways. Node
// x_{d}_{l} (depth d, layer l) upsamples its input x2 (nearest by default) and concatenates every
// earlier node of its column plus the encoder skip. Blocks are Unet decoder blocks registered in
// SMP's ModuleDict order (`decoder.blocks.x_0_0`, `x_0_1`, `x_1_1`, ..., `x_0_{n-1}`), so SMP
// checkpoints load strictly.

#include <map>
#include <string>
#include <vector>

#include "segkit/models/decoder.h"
#include "segkit/models/unet/unet_decoder.h"

namespace segkit::models {

class UnetPlusPlusDecoderImpl : public DecoderImpl {
 public:
  UnetPlusPlusDecoderImpl(const std::vector<int64_t>& encoder_channels, const UnetDecoderOptions& options);
  torch::Tensor forward(const std::vector<torch::Tensor>& features) override;

 private:
  torch::Tensor run_block(const std::string& name, const torch::Tensor& x, const torch::Tensor& skip);

  std::map<std::string, UnetDecoderBlock> blocks_;
  int64_t depth_ = 0;
};

}  // namespace segkit::models
