#pragma once
// fastai v1's DynamicUnet decoder (fastai/vision/models/unet.py, 1.0.61; layers.py), as
// `unet_learner` builds it (norm_type None or the NormType class: no BatchNorm or weight norm in any
// decoder convolution), plus the hypercolumn head of the SIIM pneumothorax kernel ("Hypercolumns
// pneumothorax fastai", iafoss):
//
//   deepest feature -> BatchNorm (weight 1, bias 1e-3) -> ReLU -> middle: conv_layer(c, 2c), conv_layer(2c, c)
//   per skip, deepest first: UnetBlock = PixelShuffle_ICNR(up, up/2) (1x1 conv, ReLU, pixel shuffle,
//     optional blur), nearest-resized to the skip if sizes differ, cat with BatchNorm(skip), ReLU,
//     conv_layer x 2 (the last block halves its channels)
//   PixelShuffle_ICNR(c) to the input's size; last_cross: cat with the input image, res_block
//   hypercolumns: the middle's and every block's output through two 3x3 convs (bias, no activation)
//     to the final channel count, bilinear (align_corners false) to full size, cat with the final map
//
// conv_layer = Conv2d(bias) + ReLU with kaiming-normal weights and zero bias; PixelShuffle_ICNR's conv
// starts from ICNR. Keys: decoder.bn, decoder.middle.{0,1}.0, decoder.blocks.N.{shuf.conv, bn, conv1.0,
// conv2.0}, decoder.final_shuffle.conv, decoder.res_block.{0,1}.0, decoder.hypercolumns.N.{0,1}.

#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>

#include <vector>

#include "segkit/models/decoder.h"
#include "segkit/nn/batchnorm.h"

namespace segkit::models {

struct DynamicUnetOptions {
  bool blur = false;        ///< blur after every pixel shuffle but (unless blur_final) the last block's
  bool blur_final = true;
  bool last_cross = true;   ///< cat the input image and a res_block before the head
  bool bottle = false;      ///< res_block's inner convolution at half the channels
  bool hypercolumns = false;
  /// Skips reach the decoder detached from the encoder's graph: the kernel's fastai (hook_outputs
  /// before 1.0.59) trained the encoder only through the deepest feature.
  bool detach_skips = false;
};

/// fastai's conv_layer without a norm: Conv2d(bias) + ReLU, the conv under key "0" as in fastai's
/// Sequential.
class FastaiConvLayerImpl : public torch::nn::Module {
 public:
  FastaiConvLayerImpl(int64_t in_channels, int64_t out_channels);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Conv2d conv_{nullptr};
};
TORCH_MODULE(FastaiConvLayer);

/// fastai's PixelShuffle_ICNR (norm_type None): 1x1 conv to out * 4, ReLU, PixelShuffle(2), blur.
class PixelShuffleIcnrImpl : public torch::nn::Module {
 public:
  PixelShuffleIcnrImpl(int64_t in_channels, int64_t out_channels, bool blur);
  torch::Tensor forward(const torch::Tensor& x);
  /// fastai's icnr(): every group of 4 output channels starts as one kaiming-normal kernel.
  void reset_icnr();

 private:
  torch::nn::Conv2d conv_{nullptr};
  bool blur_;
};
TORCH_MODULE(PixelShuffleIcnr);

class DynamicUnetBlockImpl : public torch::nn::Module {
 public:
  DynamicUnetBlockImpl(int64_t up_channels, int64_t skip_channels, bool final_div, bool blur);
  torch::Tensor forward(const torch::Tensor& up, const torch::Tensor& skip);
  int64_t out_channels() const { return out_channels_; }

 private:
  PixelShuffleIcnr shuf_{nullptr};
  nn::BatchNorm2d bn_{nullptr};
  FastaiConvLayer conv1_{nullptr}, conv2_{nullptr};
  int64_t out_channels_;
};
TORCH_MODULE(DynamicUnetBlock);

class DynamicUnetDecoderImpl : public DecoderImpl {
 public:
  DynamicUnetDecoderImpl(const std::vector<int64_t>& encoder_channels, const DynamicUnetOptions& options);
  torch::Tensor forward(const std::vector<torch::Tensor>& features) override;
  int64_t out_channels() const { return out_channels_; }

 private:
  DynamicUnetOptions options_;
  nn::BatchNorm2d bn_{nullptr};
  torch::nn::Sequential middle_{nullptr};
  torch::nn::ModuleList blocks_{nullptr};
  PixelShuffleIcnr final_shuffle_{nullptr};
  torch::nn::Sequential res_block_{nullptr};
  torch::nn::ModuleList hypercolumns_{nullptr};
  int64_t out_channels_ = 0;
};

/// fastai's initialisation of every module below `root`: kaiming-normal convolutions with zero bias,
/// ICNR for pixel shuffles, BatchNorm weight 1 and bias 1e-3. For the decoder and head once a model
/// owns them (SMP's initialisation runs in wire()).
void initialize_fastai(torch::nn::Module& root);

}  // namespace segkit::models
