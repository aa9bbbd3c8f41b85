#include "segkit/models/unet/unet_decoder.h"

#include <torch/nn/functional/upsampling.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include "segkit/core/error.h"
#include "segkit/models/model_options.h"

namespace segkit::models {

torch::Tensor interpolate_to(const torch::Tensor& x, int64_t height, int64_t width, const std::string& mode) {
  namespace F = torch::nn::functional;
  auto options = F::InterpolateFuncOptions().size(std::vector<int64_t>{height, width});
  if (mode == "nearest") return F::interpolate(x, options.mode(torch::kNearest));
  if (mode == "bilinear") return F::interpolate(x, options.mode(torch::kBilinear).align_corners(false));
  if (mode == "bicubic") return F::interpolate(x, options.mode(torch::kBicubic).align_corners(false));
  if (mode == "area") return F::interpolate(x, options.mode(torch::kArea));
  throw ConfigError("unknown decoder_interpolation '" + mode + "'; valid: nearest, bilinear, bicubic, area");
}

UnetDecoderOptions read_unet_decoder_options(ModelArgs& args) {
  UnetDecoderOptions options;
  options.decoder_channels = args.get<std::vector<int64_t>>("decoder_channels", options.decoder_channels);
  options.norm = read_norm(args, "decoder_use_norm");
  options.attention_type = args.get<std::string>("decoder_attention_type", "");
  options.interpolation = args.get<std::string>("decoder_interpolation", options.interpolation);
  return options;
}

UnetDecoderBlockImpl::UnetDecoderBlockImpl(int64_t in_channels, int64_t skip_channels, int64_t out_channels,
                                           const UnetDecoderOptions& options)
    : interpolation_(options.interpolation) {
  conv1_ = register_module("conv1", nn::conv2d_relu(in_channels + skip_channels, out_channels, 3, 1, 1, options.norm));
  attention1_ = register_module("attention1", nn::Attention(options.attention_type, in_channels + skip_channels));
  conv2_ = register_module("conv2", nn::conv2d_relu(out_channels, out_channels, 3, 1, 1, options.norm));
  attention2_ = register_module("attention2", nn::Attention(options.attention_type, out_channels));
}

torch::Tensor UnetDecoderBlockImpl::forward(torch::Tensor x, int64_t height, int64_t width, const torch::Tensor& skip) {
  x = interpolate_to(x, height, width, interpolation_);
  if (skip.defined()) x = attention1_->forward(torch::cat({x, skip}, 1));
  return attention2_->forward(conv2_->forward(conv1_->forward(x)));
}

UnetDecoderImpl::UnetDecoderImpl(const std::vector<int64_t>& encoder_channels, const UnetDecoderOptions& options) {
  const size_t blocks = encoder_channels.size() - 1;
  if (options.decoder_channels.size() != blocks) {
    throw ConfigError("Model depth is " + std::to_string(blocks) + ", but you provide `decoder_channels` for " +
                      std::to_string(options.decoder_channels.size()) + " blocks.");
  }
  // Deepest first: the head, then the skips from deep to shallow, the last block without a skip.
  std::vector<int64_t> reversed(encoder_channels.rbegin(), encoder_channels.rend() - 1);
  const int64_t head_channels = reversed[0];
  if (options.center) {
    center_ = torch::nn::AnyModule(register_module(
        "center", nn::SequentialBlock(nn::conv2d_relu(head_channels, head_channels, 3, 1, 1, options.norm),
                                        nn::conv2d_relu(head_channels, head_channels, 3, 1, 1, options.norm))));
  } else {
    center_ = torch::nn::AnyModule(register_module("center", torch::nn::Identity()));
  }
  torch::nn::ModuleList block_list;
  for (size_t i = 0; i < blocks; ++i) {
    const int64_t in = i == 0 ? head_channels : options.decoder_channels[i - 1];
    const int64_t skip = i + 1 < reversed.size() ? reversed[i + 1] : 0;
    UnetDecoderBlock block(in, skip, options.decoder_channels[i], options);
    block_list->push_back(block);
    blocks_.push_back(block);
  }
  register_module("blocks", block_list);
  out_channels_ = options.decoder_channels.back();
  if (options.hypercolumns > 0) {
    hypercolumns_ = register_module("hypercolumns", torch::nn::ModuleList());
    for (int64_t channels : options.decoder_channels) {
      hypercolumns_->push_back(torch::nn::Conv2d(
          torch::nn::Conv2dOptions(channels, options.hypercolumns, 3).padding(1)));
    }
    out_channels_ = options.hypercolumns * static_cast<int64_t>(blocks);
  }
}

torch::Tensor UnetDecoderImpl::forward(const std::vector<torch::Tensor>& features) {
  // features: [x, f1, ..., f_depth]; block i upsamples to the size of feature depth-1-i.
  const size_t depth = features.size() - 1;
  torch::Tensor x = center_.forward(features[depth]);
  std::vector<torch::Tensor> outputs;
  for (size_t i = 0; i < blocks_.size(); ++i) {
    const torch::Tensor& target = features[depth - 1 - i];
    const torch::Tensor skip = depth - 1 - i >= 1 ? features[depth - 1 - i] : torch::Tensor();
    x = blocks_[i]->forward(x, target.size(2), target.size(3), skip);
    if (!hypercolumns_.is_empty()) outputs.push_back(x);
  }
  if (hypercolumns_.is_empty()) return x;
  namespace F = torch::nn::functional;
  const int64_t height = x.size(2), width = x.size(3);
  std::vector<torch::Tensor> columns;
  for (size_t i = 0; i < outputs.size(); ++i) {
    torch::Tensor reduced = hypercolumns_[i]->as<torch::nn::Conv2d>()->forward(outputs[i]);
    if (reduced.size(2) != height || reduced.size(3) != width) {
      reduced = F::interpolate(reduced, F::InterpolateFuncOptions()
                                            .size(std::vector<int64_t>{height, width})
                                            .mode(torch::kBilinear)
                                            .align_corners(true));
    }
    columns.push_back(reduced);
  }
  return torch::cat(columns, 1);
}

}  // namespace segkit::models
