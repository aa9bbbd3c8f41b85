#pragma once
// SMP's UnetDecoder (decoders/unet/decoder.py): blocks upsample (nearest by default) to the next skip's
// size, concatenate [x, skip], apply attention1 (only with a skip), conv1, conv2, attention2. The last
// block has no skip but owns attention1 all the same (SMP does). Two segkit extensions add keys only:
//   center       SMP's UnetCenterBlock on the deepest feature (`decoder.center.0/1`), which SMP builds
//                for VGG encoders; the clouds pipeline used it with ResNet34.
//   hypercolumns every block's output reduced by a 3x3 conv to `hypercolumns` channels
//                (`decoder.hypercolumns.N`), upsampled bilinearly to full size and concatenated; the
//                head then reads blocks * hypercolumns channels (the pneumothorax pipeline).

#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/container/sequential.h>

#include <string>
#include <vector>

#include "segkit/models/decoder.h"
#include "segkit/models/model_args.h"
#include "segkit/nn/attention.h"
#include "segkit/nn/conv2d_relu.h"

namespace segkit::models {

struct UnetDecoderOptions {
  std::vector<int64_t> decoder_channels = {256, 128, 64, 32, 16};
  nn::NormType norm = nn::NormType::kBatchNorm;
  std::string attention_type;
  std::string interpolation = "nearest";
  bool center = false;
  int64_t hypercolumns = 0;
};

class UnetDecoderBlockImpl : public torch::nn::Module {
 public:
  UnetDecoderBlockImpl(int64_t in_channels, int64_t skip_channels, int64_t out_channels,
                       const UnetDecoderOptions& options);
  torch::Tensor forward(torch::Tensor x, int64_t height, int64_t width, const torch::Tensor& skip);

 private:
  std::string interpolation_;
  nn::SequentialBlock conv1_{nullptr}, conv2_{nullptr};
  nn::Attention attention1_{nullptr}, attention2_{nullptr};
};
TORCH_MODULE(UnetDecoderBlock);

class UnetDecoderImpl : public DecoderImpl {
 public:
  UnetDecoderImpl(const std::vector<int64_t>& encoder_channels, const UnetDecoderOptions& options);
  torch::Tensor forward(const std::vector<torch::Tensor>& features) override;
  int64_t out_channels() const { return out_channels_; }

 private:
  torch::nn::AnyModule center_;
  std::vector<UnetDecoderBlock> blocks_;
  torch::nn::ModuleList hypercolumns_{nullptr};
  int64_t out_channels_;
};

/// The decoder arguments Unet and UnetPlusPlus share (SMP's names): decoder_channels,
/// decoder_use_norm, decoder_attention_type, decoder_interpolation.
UnetDecoderOptions read_unet_decoder_options(ModelArgs& args);

/// Interpolation with SMP's mode names: nearest, bilinear, bicubic, area.
torch::Tensor interpolate_to(const torch::Tensor& x, int64_t height, int64_t width, const std::string& mode);

}  // namespace segkit::models
