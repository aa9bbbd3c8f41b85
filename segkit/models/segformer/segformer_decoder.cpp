#include "segkit/models/segformer/segformer_decoder.h"

#include <torch/nn/modules/container/modulelist.h>

#include "segkit/core/error.h"
#include "segkit/models/unet/unet_decoder.h"  // interpolate_to

namespace segkit::models {
namespace segformer_parts {

// Holder for SMP's `mlp_stage.N.linear` name.
struct MLPImpl : torch::nn::Module {};
TORCH_MODULE(MLP);

}  // namespace segformer_parts

SegformerDecoderImpl::SegformerDecoderImpl(const std::vector<int64_t>& encoder_channels, int encoder_depth,
                                           int64_t segmentation_channels) {
  using namespace segformer_parts;
  if (encoder_depth < 3) {
    throw ConfigError("Encoder depth for Segformer decoder cannot be less than 3, got " +
                      std::to_string(encoder_depth) + ".");
  }
  std::vector<int64_t> channels = encoder_channels;
  if (channels[1] == 0) channels.erase(channels.begin() + 1);
  torch::nn::ModuleList stages;
  // Deepest first, every feature but the input itself.
  for (auto c = channels.rbegin(); c + 1 != channels.rend(); ++c) {
    MLP mlp;
    linears_.push_back(mlp->register_module("linear", torch::nn::Linear(*c, segmentation_channels)));
    stages->push_back(mlp);
  }
  register_module("mlp_stage", stages);
  fuse_ = register_module("fuse_stage", nn::conv2d_relu(static_cast<int64_t>(linears_.size()) * segmentation_channels,
                                                        segmentation_channels, 1, 0, 1, nn::NormType::kBatchNorm));
}

torch::Tensor SegformerDecoderImpl::forward(const std::vector<torch::Tensor>& features) {
  using namespace segformer_parts;
  const int64_t height = features[0].size(2) / 4, width = features[0].size(3) / 4;
  std::vector<torch::Tensor> resized;
  // The linears are deepest first, as the features read backwards; an empty stride-2 feature has none.
  for (size_t i = 0; i < linears_.size(); ++i) {
    const auto& feature = features[features.size() - 1 - i];
    const int64_t b = feature.size(0), h = feature.size(2), w = feature.size(3);
    auto x = linears_[i]->forward(feature.flatten(2).transpose(1, 2)).transpose(1, 2).reshape({b, -1, h, w});
    resized.push_back(interpolate_to(x, height, width, "bilinear"));
  }
  return fuse_->forward(torch::cat(resized, 1));
}

}  // namespace segkit::models
