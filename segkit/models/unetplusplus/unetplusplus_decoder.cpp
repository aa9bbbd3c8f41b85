#include "segkit/models/unetplusplus/unetplusplus_decoder.h"

#include "segkit/core/error.h"

namespace segkit::models {
namespace {
std::string node_name(int64_t depth_index, int64_t layer_index) {
  return "x_" + std::to_string(depth_index) + "_" + std::to_string(layer_index);
}
}  // namespace

UnetPlusPlusDecoderImpl::UnetPlusPlusDecoderImpl(const std::vector<int64_t>& encoder_channels,
                                                 const UnetDecoderOptions& options) {
  const size_t blocks = encoder_channels.size() - 1;
  const auto& decoder_channels = options.decoder_channels;
  if (decoder_channels.size() != blocks) {
    throw ConfigError("Model depth is " + std::to_string(blocks) + ", but you provide `decoder_channels` for " +
                      std::to_string(decoder_channels.size()) + " blocks.");
  }
  if (options.center || options.hypercolumns > 0) {
    throw ConfigError("UnetPlusPlus has no decoder_center or decoder_hypercolumns (Unet extensions)");
  }
  // SMP's channel bookkeeping: encoder channels without the input, deepest first.
  std::vector<int64_t> reversed(encoder_channels.rbegin(), encoder_channels.rend() - 1);
  std::vector<int64_t> in_channels{reversed[0]};
  in_channels.insert(in_channels.end(), decoder_channels.begin(), decoder_channels.end() - 1);
  std::vector<int64_t> skip_channels(reversed.begin() + 1, reversed.end());
  skip_channels.push_back(0);

  auto block_dict = register_module("blocks", std::make_shared<torch::nn::Module>());
  const auto add = [&](const std::string& name, int64_t in, int64_t skip, int64_t out) {
    blocks_.emplace(name, block_dict->register_module(name, UnetDecoderBlock(in, skip, out, options)));
  };
  const int64_t layers = static_cast<int64_t>(in_channels.size()) - 1;
  for (int64_t layer = 0; layer < layers; ++layer) {
    for (int64_t depth = 0; depth <= layer; ++depth) {
      if (depth == 0) {
        add(node_name(depth, layer), in_channels[layer], skip_channels[layer] * (layer + 1),
            decoder_channels[layer]);
      } else {
        add(node_name(depth, layer), skip_channels[layer - 1], skip_channels[layer] * (layer + 1 - depth),
            skip_channels[layer]);
      }
    }
  }
  add(node_name(0, layers), in_channels.back(), 0, decoder_channels.back());
  depth_ = layers;
}

torch::Tensor UnetPlusPlusDecoderImpl::run_block(const std::string& name, const torch::Tensor& x,
                                                 const torch::Tensor& skip) {
  return blocks_.at(name)->forward(x, 2 * x.size(2), 2 * x.size(3), skip);
}

torch::Tensor UnetPlusPlusDecoderImpl::forward(const std::vector<torch::Tensor>& all_features) {
  // Deepest first, without the input image (SMP: features[1:][::-1]).
  std::vector<torch::Tensor> features(all_features.rbegin(), all_features.rend() - 1);
  std::map<std::string, torch::Tensor> dense;
  for (int64_t layer = 0; layer < depth_; ++layer) {
    for (int64_t depth = 0; depth < depth_ - layer; ++depth) {
      if (layer == 0) {
        dense[node_name(depth, depth)] = run_block(node_name(depth, depth), features[depth], features[depth + 1]);
        continue;
      }
      const int64_t column = depth + layer;
      std::vector<torch::Tensor> parts;
      for (int64_t index = depth + 1; index <= column; ++index) parts.push_back(dense.at(node_name(index, column)));
      parts.push_back(features[column + 1]);
      dense[node_name(depth, column)] =
          run_block(node_name(depth, column), dense.at(node_name(depth, column - 1)), torch::cat(parts, 1));
    }
  }
  return run_block(node_name(0, depth_), dense.at(node_name(0, depth_ - 1)), torch::Tensor());
}

}  // namespace segkit::models
