#include "segkit/models/upernet/upernet_decoder.h"

#include <torch/nn/modules/pooling.h>

#include "segkit/core/error.h"
#include "segkit/models/unet/unet_decoder.h"  // interpolate_to

namespace segkit::models {
namespace {

constexpr int64_t kPoolSizes[] = {1, 2, 3, 6};

// Holders for SMP's module names: `psp` (blocks, out_conv) and `conv_norm_relu` in a lateral block.
struct PSPModuleImpl : torch::nn::Module {};
TORCH_MODULE(PSPModule);
struct LateralBlockImpl : torch::nn::Module {};
TORCH_MODULE(LateralBlock);

}  // namespace

UPerNetDecoderImpl::UPerNetDecoderImpl(const std::vector<int64_t>& encoder_channels, int encoder_depth,
                                       int64_t decoder_channels, nn::NormType norm) {
  if (encoder_depth < 3) {
    throw ConfigError("Encoder depth for UPerNet decoder cannot be less than 3, got " + std::to_string(encoder_depth) +
                      ".");
  }
  const std::vector<int64_t> used(encoder_channels.begin() + 2, encoder_channels.end());  // strides 4, 8, ...
  torch::nn::ModuleList norms;
  for (int64_t channels : used) {
    feature_norms_.push_back(torch::nn::LayerNorm(torch::nn::LayerNormOptions({channels}).eps(1e-6)));
    norms->push_back(feature_norms_.back());
  }
  register_module("feature_norms", norms);

  PSPModule psp;
  torch::nn::ModuleList pools;
  for (int64_t size : kPoolSizes) {
    psp_pools_.push_back(torch::nn::Sequential(torch::nn::AdaptiveAvgPool2d(size),
                                               nn::conv2d_relu(used.back(), decoder_channels, 1, 0, 1, norm)));
    pools->push_back(psp_pools_.back());
  }
  psp->register_module("blocks", pools);
  psp_out_ = psp->register_module(
      "out_conv", nn::conv2d_relu(used.back() + 4 * decoder_channels, decoder_channels, 3, 1, 1, nn::NormType::kBatchNorm));
  register_module("psp", psp);

  torch::nn::ModuleList laterals, convs;
  for (auto channels = used.rbegin() + 1; channels != used.rend(); ++channels) {
    LateralBlock lateral;
    laterals_.push_back(lateral->register_module("conv_norm_relu", nn::conv2d_relu(*channels, decoder_channels, 1, 0, 1, norm)));
    laterals->push_back(lateral);
    fpn_convs_.push_back(nn::conv2d_relu(decoder_channels, decoder_channels, 3, 1, 1, norm));
    convs->push_back(fpn_convs_.back());
  }
  register_module("fpn_lateral_blocks", laterals);
  register_module("fpn_conv_blocks", convs);
  fusion_ = register_module("fusion_block", nn::conv2d_relu(static_cast<int64_t>(fpn_convs_.size() + 1) * decoder_channels,
                                                            decoder_channels, 3, 1, 1, norm));
}

torch::Tensor UPerNetDecoderImpl::forward(const std::vector<torch::Tensor>& features) {
  std::vector<torch::Tensor> levels;  // strides 4, 8, ..., each layer-normed over its channels
  for (size_t i = 0; i < feature_norms_.size(); ++i) {
    levels.push_back(feature_norms_[i]->forward(features[i + 2].permute({0, 2, 3, 1})).permute({0, 3, 1, 2}));
  }
  const auto& deepest = levels.back();
  std::vector<torch::Tensor> pyramid{deepest};
  for (auto& pool : psp_pools_) {
    pyramid.push_back(interpolate_to(pool->forward(deepest), deepest.size(2), deepest.size(3), "bilinear"));
  }

  std::vector<torch::Tensor> fpn{psp_out_->forward(torch::cat(pyramid, 1))};  // deepest first
  for (size_t i = 0; i < laterals_.size(); ++i) {
    const auto lateral = laterals_[i]->forward(levels[levels.size() - 2 - i]);
    fpn.push_back(interpolate_to(fpn.back(), lateral.size(2), lateral.size(3), "bilinear") + lateral);
  }
  for (size_t i = 0; i < fpn_convs_.size(); ++i) fpn[i + 1] = fpn_convs_[i]->forward(fpn[i + 1]);

  const int64_t height = fpn.back().size(2), width = fpn.back().size(3);
  std::vector<torch::Tensor> resized;
  for (auto level = fpn.rbegin(); level != fpn.rend(); ++level) {
    resized.push_back(interpolate_to(*level, height, width, "bilinear"));
  }
  return fusion_->forward(torch::cat(resized, 1));
}

}  // namespace segkit::models
