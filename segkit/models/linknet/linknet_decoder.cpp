#include "segkit/models/linknet/linknet_decoder.h"

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>

namespace segkit::models {
namespace {

class LinknetBlockImpl : public torch::nn::Module {
 public:
  LinknetBlockImpl(int64_t in, int64_t out, nn::NormType norm) {
    nn::SequentialBlock transpose(
        torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(in / 4, in / 4, 4).stride(2).padding(1)),
        nn::make_norm(norm, in / 4), torch::nn::ReLU(torch::nn::ReLUOptions().inplace(true)));
    block = register_module("block", torch::nn::Sequential(nn::conv2d_relu(in, in / 4, 1, 0, 1, norm), transpose,
                                                           nn::conv2d_relu(in / 4, out, 1, 0, 1, norm)));
  }
  torch::nn::Sequential block{nullptr};
};
TORCH_MODULE(LinknetBlock);

}  // namespace

LinknetDecoderImpl::LinknetDecoderImpl(const std::vector<int64_t>& encoder_channels, int64_t prefinal_channels,
                                       nn::NormType norm) {
  std::vector<int64_t> channels(encoder_channels.rbegin(), encoder_channels.rend() - 1);
  channels.push_back(prefinal_channels);
  for (size_t i = 1; i + 1 < channels.size(); ++i) {
    if (channels[i] == 0) channels[i] = channels[i - 1];
  }
  torch::nn::ModuleList list;
  for (size_t i = 0; i + 1 < channels.size(); ++i) {
    LinknetBlock block(channels[i], channels[i + 1], norm);
    list->push_back(block);
    blocks_.push_back(block->block);
  }
  register_module("blocks", list);
}

torch::Tensor LinknetDecoderImpl::forward(const std::vector<torch::Tensor>& features) {
  const size_t depth = features.size() - 1;
  torch::Tensor x = features[depth];
  for (size_t i = 0; i < blocks_.size(); ++i) {
    x = blocks_[i]->forward(x);
    if (depth - 1 - i >= 1) x = x + features[depth - 1 - i];
  }
  return x;
}

}  // namespace segkit::models
