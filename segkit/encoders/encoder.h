#pragma once
// The encoder contract (SMP's encoders/resnet.py docstring), for every encoder segkit has:
//
//   forward(x) returns depth + 1 features [x, f1, ..., f_depth], in descending resolution: f_k has
//   stride 2^k (until dilation caps the stride at output_stride), so for a 1x3x64x64 input a depth-5
//   ResNet34 gives [1,3,64,64], [1,64,32,32], [1,64,16,16], [1,128,8,8], [1,256,4,4], [1,512,2,2].
//   out_channels() lists the channels of those depth + 1 tensors (the first is in_channels).
//
// Encoders keep their upstream parameter names (torchvision ResNet/DenseNet, lukemelas EfficientNet)
// and keep every module upstream has, even those a shallow depth never runs, so SMP checkpoints load
// strictly. Heads SMP deletes (fc, classifier, _fc) are never created.
//
//   auto encoder = segkit::encoders::create_encoder("resnet34", /*depth=*/5, /*in_channels=*/1);
//   auto features = encoder->forward(torch::randn({2, 1, 64, 64}));

#include <torch/nn/module.h>
#include <torch/types.h>

#include <memory>
#include <vector>

namespace segkit::encoders {

class EncoderImpl : public torch::nn::Module {
 public:
  virtual std::vector<torch::Tensor> forward(torch::Tensor x) = 0;

  /// Channels of the depth + 1 features.
  std::vector<int64_t> out_channels() const;
  int depth() const { return depth_; }
  int in_channels() const { return in_channels_; }
  /// min(output stride set by dilation, 2^depth): the input size must be divisible by it.
  int output_stride() const;

  /// SMP's first-conv rule for in_channels != 3 (encoders/_utils.py patch_first_conv): with
  /// `pretrained` weights, 1 channel sums the RGB kernels and n > 3 channels cycle them scaled by 3/n;
  /// without, the first conv is re-initialised (Kaiming uniform, as Conv2d.reset_parameters).
  void set_in_channels(int in_channels, bool pretrained);

  /// Replaces strides by dilation in the stages deeper than `output_stride` (8 or 16), as SMP's
  /// make_dilated. Throws ConfigError for encoders that cannot (DenseNet pools to downsample).
  void make_dilated(int output_stride);

 protected:
  EncoderImpl(std::vector<int64_t> out_channels, int depth);
  /// Stride -> modules that produce that stride, as SMP's get_stages(); empty when unsupported.
  virtual std::vector<std::pair<int, std::vector<std::shared_ptr<torch::nn::Module>>>> stages() { return {}; }

  std::vector<int64_t> all_out_channels_;
  int depth_;
  int in_channels_ = 3;
  int output_stride_ = 32;
};

using Encoder = std::shared_ptr<EncoderImpl>;

/// Every Conv2d inside `module`: stride 1, dilation `rate`, padding (k/2)*rate (SMP's
/// replace_strides_with_dilation, static "same" padding dropped).
void replace_strides_with_dilation(torch::nn::Module& module, int rate);

/// torchvision's constructor initialisation, which SMP's ResNet/ResNeXt, DenseNet and MobileNetV2
/// encoders inherit: every Conv2d Kaiming-normal with the ReLU gain over `fan_out` (ResNet,
/// MobileNetV2) or fan_in (DenseNet), conv biases 0; the norms' 1 / 0 is already BatchNorm's default.
void initialize_like_torchvision(torch::nn::Module& encoder, bool fan_out);

}  // namespace segkit::encoders
