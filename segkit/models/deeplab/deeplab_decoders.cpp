#include "segkit/models/deeplab/deeplab_decoders.h"

#include <torch/nn/functional/upsampling.h>
#include <torch/nn/modules/activation.h>

#include "segkit/core/error.h"
#include "segkit/nn/batchnorm.h"

namespace segkit::models {

DeepLabV3DecoderImpl::DeepLabV3DecoderImpl(int64_t in_channels, int64_t out_channels, const AsppOptions& options) {
  aspp_ = register_module("aspp", Aspp(in_channels, out_channels, options));
  conv_ = register_module(
      "conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(out_channels, out_channels, 3).padding(1).bias(false)));
  bn_ = register_module("bn", nn::BatchNorm2d(out_channels));
}

torch::Tensor DeepLabV3DecoderImpl::forward(const std::vector<torch::Tensor>& features) {
  return torch::relu(bn_->forward(conv_->forward(aspp_->forward(features.back()))));
}

DeepLabV3PlusDecoderImpl::DeepLabV3PlusDecoderImpl(const std::vector<int64_t>& encoder_channels, int encoder_depth,
                                                   int64_t out_channels, int output_stride,
                                                   const AsppOptions& options)
    : scale_factor_(output_stride == 16 && encoder_depth > 3 ? 4 : 2) {
  if (encoder_depth < 3) {
    throw ConfigError("Encoder depth for DeepLabV3Plus decoder cannot be less than 3, got " +
                      std::to_string(encoder_depth) + ".");
  }
  nn::SequentialBlock aspp;
  aspp->push_back(Aspp(encoder_channels.back(), out_channels, options));
  aspp->push_back(separable_conv2d(out_channels, out_channels, 3, 1, 1, /*bias=*/false));
  aspp->push_back(nn::BatchNorm2d(out_channels));
  aspp->push_back(torch::nn::ReLU());
  aspp_ = register_module("aspp", aspp);

  constexpr int64_t kHighresChannels = 48;  // from the DeepLabV3+ paper, as SMP
  nn::SequentialBlock block1;
  block1->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(encoder_channels[2], kHighresChannels, 1).bias(false)));
  block1->push_back(nn::BatchNorm2d(kHighresChannels));
  block1->push_back(torch::nn::ReLU());
  block1_ = register_module("block1", block1);

  nn::SequentialBlock block2;
  block2->push_back(separable_conv2d(kHighresChannels + out_channels, out_channels, 3, 1, 1, /*bias=*/false));
  block2->push_back(nn::BatchNorm2d(out_channels));
  block2->push_back(torch::nn::ReLU());
  block2_ = register_module("block2", block2);
}

torch::Tensor DeepLabV3PlusDecoderImpl::forward(const std::vector<torch::Tensor>& features) {
  namespace F = torch::nn::functional;
  torch::Tensor aspp = aspp_->forward(features.back());
  aspp = F::interpolate(aspp, F::InterpolateFuncOptions()
                                  .scale_factor(std::vector<double>{double(scale_factor_), double(scale_factor_)})
                                  .mode(torch::kBilinear)
                                  .align_corners(true));
  torch::Tensor high_res = block1_->forward(features[2]);
  return block2_->forward(torch::cat({aspp, high_res}, 1));
}

}  // namespace segkit::models
