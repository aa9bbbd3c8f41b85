#include "segkit/models/fpn/fpn_decoder.h"

#include <torch/nn/functional/upsampling.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/normalization.h>

#include "segkit/core/error.h"

namespace segkit::models {
namespace {

namespace F = torch::nn::functional;

// SMP's Conv3x3GNReLU: a module holding `block` = Sequential(conv, GroupNorm(32), ReLU).
class Conv3x3GNReLUImpl : public torch::nn::Module {
 public:
  Conv3x3GNReLUImpl(int64_t in, int64_t out, bool upsample) : upsample_(upsample) {
    block_ = register_module(
        "block", torch::nn::Sequential(
                     torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1).bias(false)),
                     torch::nn::GroupNorm(torch::nn::GroupNormOptions(32, out)),
                     torch::nn::ReLU(torch::nn::ReLUOptions().inplace(true))));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor y = block_->forward(x);
    if (!upsample_) return y;
    return F::interpolate(y, F::InterpolateFuncOptions()
                                 .scale_factor(std::vector<double>{2.0, 2.0})
                                 .mode(torch::kBilinear)
                                 .align_corners(true));
  }

 private:
  bool upsample_;
  torch::nn::Sequential block_{nullptr};
};
TORCH_MODULE(Conv3x3GNReLU);

// SMP's SegmentationBlock: a module holding `block` = Sequential of Conv3x3GNReLU.
class FpnSegmentationBlockImpl : public torch::nn::Module {
 public:
  FpnSegmentationBlockImpl(int64_t in, int64_t out, int n_upsamples) {
    torch::nn::Sequential chain;
    chain->push_back(Conv3x3GNReLU(in, out, n_upsamples > 0));
    for (int i = 1; i < n_upsamples; ++i) chain->push_back(Conv3x3GNReLU(out, out, true));
    block = register_module("block", chain);
  }
  torch::nn::Sequential block{nullptr};
};
TORCH_MODULE(FpnSegmentationBlock);

// SMP's FPNBlock: a module holding `skip_conv`.
class FPNBlockImpl : public torch::nn::Module {
 public:
  FPNBlockImpl(int64_t pyramid, int64_t skip) {
    skip_conv = register_module("skip_conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(skip, pyramid, 1)));
  }
  torch::nn::Conv2d skip_conv{nullptr};
};
TORCH_MODULE(FPNBlock);

}  // namespace

FPNDecoderImpl::FPNDecoderImpl(const std::vector<int64_t>& encoder_channels, int encoder_depth,
                               const FPNDecoderOptions& options)
    : options_(options) {
  if (encoder_depth < 3) {
    throw ConfigError("Encoder depth for FPN decoder cannot be less than 3, got " + std::to_string(encoder_depth));
  }
  if (options.merge_policy != "add" && options.merge_policy != "cat") {
    throw ConfigError("decoder_merge_policy must be 'add' or 'cat', got '" + options.merge_policy + "'");
  }
  out_channels_ = options.merge_policy == "add" ? options.segmentation_channels : options.segmentation_channels * 4;
  std::vector<int64_t> reversed(encoder_channels.rbegin(), encoder_channels.rend());
  p5_ = register_module("p5", torch::nn::Conv2d(torch::nn::Conv2dOptions(reversed[0], options.pyramid_channels, 1)));
  const char* names[] = {"p4", "p3", "p2"};
  for (int i = 0; i < 3; ++i) {
    lateral_.push_back(register_module(names[i], FPNBlock(options.pyramid_channels, reversed[i + 1]))->skip_conv);
  }
  torch::nn::ModuleList blocks;
  for (int n_upsamples : {3, 2, 1, 0}) {
    FpnSegmentationBlock block(options.pyramid_channels, options.segmentation_channels, n_upsamples);
    blocks->push_back(block);
    seg_blocks_.push_back(block->block);
  }
  register_module("seg_blocks", blocks);
  dropout_ = register_module("dropout", torch::nn::Dropout2d(torch::nn::Dropout2dOptions(options.dropout).inplace(true)));
}

torch::Tensor FPNDecoderImpl::forward(const std::vector<torch::Tensor>& features) {
  const size_t n = features.size();
  const torch::Tensor& c5 = features[n - 1];
  torch::Tensor p = p5_->forward(c5);
  std::vector<torch::Tensor> pyramid{p};
  for (int i = 0; i < 3; ++i) {
    auto upsample = F::InterpolateFuncOptions().scale_factor(std::vector<double>{2.0, 2.0});
    if (options_.interpolation == "bilinear") {
      upsample.mode(torch::kBilinear).align_corners(false);
    } else {
      upsample.mode(torch::kNearest);
    }
    torch::Tensor up = F::interpolate(p, upsample);
    p = up + lateral_[i]->forward(features[n - 2 - i]);
    pyramid.push_back(p);
  }
  std::vector<torch::Tensor> segmented;
  for (size_t i = 0; i < 4; ++i) segmented.push_back(seg_blocks_[i]->forward(pyramid[i]));
  torch::Tensor merged = options_.merge_policy == "add" ? torch::stack(segmented).sum(0) : torch::cat(segmented, 1);
  return dropout_->forward(merged);
}

}  // namespace segkit::models
