#include "segkit/models/manet/manet_decoder.h"

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/pooling.h>

#include "segkit/core/error.h"
#include "segkit/models/unet/unet_decoder.h"

namespace segkit::models {
namespace {

using torch::nn::Conv2d;
using torch::nn::Conv2dOptions;

// SMP's PABBlock. The attention output (N, HW, C) is reshaped, not transposed, to (N, C, H, W):
// SMP does so, and the weights were trained with it.
class PABBlockImpl : public torch::nn::Module {
 public:
  PABBlockImpl(int64_t channels, int64_t pab_channels) : channels_(channels) {
    top_ = register_module("top_conv", Conv2d(Conv2dOptions(channels, pab_channels, 1)));
    center_ = register_module("center_conv", Conv2d(Conv2dOptions(channels, pab_channels, 1)));
    bottom_ = register_module("bottom_conv", Conv2d(Conv2dOptions(channels, channels, 3).padding(1)));
    out_ = register_module("out_conv", Conv2d(Conv2dOptions(channels, channels, 3).padding(1)));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    const int64_t batch = x.size(0), height = x.size(2), width = x.size(3);
    const auto top = top_->forward(x).flatten(2);
    const auto center = center_->forward(x).flatten(2).transpose(1, 2);
    const auto bottom = bottom_->forward(x).flatten(2).transpose(1, 2);
    auto map = torch::matmul(center, top);
    map = torch::softmax(map.view({batch, -1}), 1).view({batch, height * width, height * width});
    map = torch::matmul(map, bottom).reshape({batch, channels_, height, width});
    return out_->forward(x + map);
  }

 private:
  int64_t channels_;
  Conv2d top_{nullptr}, center_{nullptr}, bottom_{nullptr}, out_{nullptr};
};
TORCH_MODULE(PABBlock);

torch::nn::Sequential squeeze_excitation(int64_t channels, int64_t reduced) {
  return torch::nn::Sequential(torch::nn::AdaptiveAvgPool2d(1), Conv2d(Conv2dOptions(channels, reduced, 1)),
                               torch::nn::ReLU(torch::nn::ReLUOptions().inplace(true)),
                               Conv2d(Conv2dOptions(reduced, channels, 1)), torch::nn::Sigmoid());
}

// SMP's MFABBlock (a level with a skip) and DecoderBlock (the last level, without one).
class MAnetBlockImpl : public torch::nn::Module {
 public:
  MAnetBlockImpl(int64_t in, int64_t skip, int64_t out, const MAnetDecoderOptions& options)
      : interpolation_(options.interpolation) {
    const auto norm = options.norm;
    if (skip > 0) {
      hl_conv_ = register_module("hl_conv", torch::nn::Sequential(nn::conv2d_relu(in, in, 3, 1, 1, norm),
                                                                  nn::conv2d_relu(in, skip, 1, 0, 1, norm)));
      const int64_t reduced = std::max<int64_t>(1, skip / options.reduction);
      se_ll_ = register_module("SE_ll", squeeze_excitation(skip, reduced));
      se_hl_ = register_module("SE_hl", squeeze_excitation(skip, reduced));
      conv1_ = register_module("conv1", nn::conv2d_relu(2 * skip, out, 3, 1, 1, norm));
    } else {
      conv1_ = register_module("conv1", nn::conv2d_relu(in, out, 3, 1, 1, norm));
    }
    conv2_ = register_module("conv2", nn::conv2d_relu(out, out, 3, 1, 1, norm));
  }
  torch::Tensor forward(torch::Tensor x, const torch::Tensor& skip) {
    if (skip.defined()) x = hl_conv_->forward(x);
    x = interpolate_to(x, 2 * x.size(2), 2 * x.size(3), interpolation_);
    if (skip.defined()) {
      const auto attention = se_hl_->forward(x) + se_ll_->forward(skip);
      x = torch::cat({x * attention, skip}, 1);
    }
    return conv2_->forward(conv1_->forward(x));
  }

 private:
  std::string interpolation_;
  torch::nn::Sequential hl_conv_{nullptr}, se_ll_{nullptr}, se_hl_{nullptr};
  nn::SequentialBlock conv1_{nullptr}, conv2_{nullptr};
};
TORCH_MODULE(MAnetBlock);

}  // namespace

MAnetDecoderImpl::MAnetDecoderImpl(const std::vector<int64_t>& encoder_channels, int encoder_depth,
                                   const MAnetDecoderOptions& options)
    : options_(options) {
  const auto& out = options.decoder_channels;
  if (static_cast<size_t>(encoder_depth) != out.size()) {
    throw ConfigError("Model depth is " + std::to_string(encoder_depth) + ", but you provide `decoder_channels` for " +
                      std::to_string(out.size()) + " blocks.");
  }
  // The input itself is never a skip; deepest first.
  std::vector<int64_t> reversed(encoder_channels.rbegin(), encoder_channels.rend() - 1);
  center_ = register_module("center", PABBlock(reversed[0], options.pab_channels));
  torch::nn::ModuleList blocks;
  for (size_t i = 0; i < out.size(); ++i) {
    const int64_t in = i == 0 ? reversed[0] : out[i - 1];
    const int64_t skip = i + 1 < reversed.size() ? reversed[i + 1] : 0;
    MAnetBlock block(in, skip, out[i], options);
    blocks->push_back(block);
    blocks_.push_back(block.ptr());
  }
  register_module("blocks", blocks);
}

torch::Tensor MAnetDecoderImpl::forward(const std::vector<torch::Tensor>& features) {
  const size_t n = features.size();
  torch::Tensor x = std::static_pointer_cast<PABBlockImpl>(center_)->forward(features[n - 1]);
  for (size_t i = 0; i < blocks_.size(); ++i) {
    // Skips: features[n-2], ..., features[1]; the last block has none.
    const torch::Tensor skip = i + 2 < n ? features[n - 2 - i] : torch::Tensor();
    x = std::static_pointer_cast<MAnetBlockImpl>(blocks_[i])->forward(x, skip);
  }
  return x;
}

}  // namespace segkit::models
