#include "segkit/models/pspnet/pspnet_decoder.h"

#include <torch/nn/functional/upsampling.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/pooling.h>

namespace segkit::models {
namespace {

class PSPBlockImpl : public torch::nn::Module {
 public:
  PSPBlockImpl(int64_t in, int64_t out, int64_t pool_size, nn::NormType norm) {
    // BatchNorm cannot normalise a 1x1 map of batch 1, so SMP drops the norm for the global pool.
    const nn::NormType block_norm = pool_size == 1 ? nn::NormType::kIdentity : norm;
    pool = register_module("pool", torch::nn::Sequential(torch::nn::AdaptiveAvgPool2d(pool_size),
                                                         nn::conv2d_relu(in, out, 1, 0, 1, block_norm)));
  }
  torch::nn::Sequential pool{nullptr};
};
TORCH_MODULE(PSPBlock);

class PSPModuleImpl : public torch::nn::Module {
 public:
  PSPModuleImpl(int64_t in, nn::NormType norm, std::vector<torch::nn::Sequential>& pools) {
    torch::nn::ModuleList blocks;
    for (int64_t size : {1, 2, 3, 6}) {
      PSPBlock block(in, in / 4, size, norm);
      blocks->push_back(block);
      pools.push_back(block->pool);
    }
    register_module("blocks", blocks);
  }
};
TORCH_MODULE(PSPModule);

}  // namespace

PSPDecoderImpl::PSPDecoderImpl(const std::vector<int64_t>& encoder_channels, nn::NormType norm, int64_t out_channels,
                               double dropout) {
  const int64_t channels = encoder_channels.back();
  register_module("psp", PSPModule(channels, norm, pools_));
  conv_ = register_module("conv", nn::conv2d_relu(channels * 2, out_channels, 1, 0, 1, norm));
  dropout_ = register_module("dropout", torch::nn::Dropout2d(torch::nn::Dropout2dOptions(dropout)));
}

torch::Tensor PSPDecoderImpl::forward(const std::vector<torch::Tensor>& features) {
  namespace F = torch::nn::functional;
  const torch::Tensor& x = features.back();
  std::vector<torch::Tensor> branches;
  for (auto& pool : pools_) {
    branches.push_back(F::interpolate(pool->forward(x), F::InterpolateFuncOptions()
                                                            .size(std::vector<int64_t>{x.size(2), x.size(3)})
                                                            .mode(torch::kBilinear)
                                                            .align_corners(true)));
  }
  branches.push_back(x);
  return dropout_->forward(conv_->forward(torch::cat(branches, 1)));
}

}  // namespace segkit::models
