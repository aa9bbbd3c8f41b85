#pragma once
// What the timm-derived encoder families share (timm_efficientnet, timm_regnet, timm_convnext,
// mix_transformer): stochastic depth, SMP's `model` holder, timm's initialisations and the channel
// LayerNorm of NCHW maps.

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/normalization.h>
#include <torch/types.h>

namespace segkit::encoders {

/// timm's DropPath: in training, each sample's residual branch is zeroed with probability `rate`
/// and the kept ones scaled by 1 / (1 - rate). `x` is (N, ...).
torch::Tensor drop_path(const torch::Tensor& x, double rate, bool training);

/// timm's create_conv2d: PyTorch-style symmetric padding ((stride - 1) + (kernel - 1)) / 2, or with
/// `same` TensorFlow "SAME" padding, computed from each input as timm's Conv2dSame does where a
/// static padding cannot express it (strided convolutions: the extra pixel goes right and bottom).
/// A Conv2d, so initialisation, first-conv patching and BatchNorm folding see an ordinary conv.
class TimmConv2dImpl : public torch::nn::Conv2dImpl {
 public:
  TimmConv2dImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride = 1, int64_t groups = 1, bool bias = false,
                 bool same = false);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  bool dynamic_same_;
};
TORCH_MODULE(TimmConv2d);

/// SMP's TimmUniversalEncoder keeps timm's network under `model` (names `model.<timm name>`).
struct TimmModelImpl : torch::nn::Module {};
TORCH_MODULE(TimmModel);

/// timm's EfficientNet / RegNet and SMP's MiT convolution init: N(0, sqrt(2 / fan_out)) with
/// fan_out = k*k*out/groups, biases 0. Children of `root` only (callable from a constructor).
void init_convs_fan_out(torch::nn::Module& root);

/// timm's trunc_normal_(std=0.02) on every Linear (and every Conv2d when `convs`), biases 0. The cut
/// at +-2 is absolute, 100 standard deviations out, so a clamp stands in for the resampling.
void init_truncated_normal(torch::nn::Module& root, bool convs);

/// A LayerNorm over the channels of an NCHW map (timm's LayerNorm2d, MiT's LayerNorm on 4-D input).
torch::Tensor channel_layer_norm(torch::nn::LayerNorm& norm, const torch::Tensor& x);

}  // namespace segkit::encoders
