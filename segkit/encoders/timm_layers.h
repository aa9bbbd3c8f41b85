#pragma once
// What the timm-derived encoder families share (timm_efficientnet, timm_regnet, timm_convnext,
// mix_transformer): stochastic depth, SMP's `model` holder, timm's initialisations and the channel
// LayerNorm of NCHW maps.

#include <torch/nn/module.h>
#include <torch/nn/modules/normalization.h>
#include <torch/types.h>

namespace segkit::encoders {

/// timm's DropPath: in training, each sample's residual branch is zeroed with probability `rate`
/// and the kept ones scaled by 1 / (1 - rate). `x` is (N, ...).
torch::Tensor drop_path(const torch::Tensor& x, double rate, bool training);

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
