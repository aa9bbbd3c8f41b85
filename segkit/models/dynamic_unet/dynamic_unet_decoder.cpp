#include "segkit/models/dynamic_unet/dynamic_unet_decoder.h"

#include <torch/nn/functional/pooling.h>
#include <torch/nn/functional/padding.h>
#include <torch/nn/functional/upsampling.h>
#include <torch/nn/init.h>
#include <torch/torch.h>

#include "segkit/core/error.h"

namespace segkit::models {
namespace {

namespace F = torch::nn::functional;

// fastai's init_default: kaiming-normal weights (fan_in, gain sqrt(2)), zero bias.
void kaiming_normal_zero_bias(torch::nn::Conv2dImpl& conv) {
  torch::NoGradGuard no_grad;
  torch::nn::init::kaiming_normal_(conv.weight, 0.0, torch::kFanIn, torch::kLeakyReLU);
  if (conv.bias.defined()) conv.bias.zero_();
}

torch::nn::Conv2d conv2d(int64_t in, int64_t out, int64_t kernel) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).padding((kernel - 1) / 2).bias(true));
}

torch::nn::Sequential conv_layers(int64_t in, int64_t middle, int64_t out) {
  return torch::nn::Sequential(FastaiConvLayer(in, middle), FastaiConvLayer(middle, out));
}

// fastai's batchnorm_2d: weight 1, bias 1e-3.
void reset_batchnorm_2d(nn::BatchNorm2dImpl& bn) {
  torch::NoGradGuard no_grad;
  bn.weight.fill_(1.0);
  bn.bias.fill_(1e-3);
}

torch::Tensor resize_nearest(const torch::Tensor& x, int64_t height, int64_t width) {
  if (x.size(2) == height && x.size(3) == width) return x;
  return F::interpolate(x, F::InterpolateFuncOptions().size(std::vector<int64_t>{height, width}).mode(torch::kNearest));
}

}  // namespace

FastaiConvLayerImpl::FastaiConvLayerImpl(int64_t in, int64_t out) : conv_(register_module("0", conv2d(in, out, 3))) {}

torch::Tensor FastaiConvLayerImpl::forward(const torch::Tensor& x) { return torch::relu(conv_->forward(x)); }

PixelShuffleIcnrImpl::PixelShuffleIcnrImpl(int64_t in_channels, int64_t out_channels, bool blur)
    : conv_(register_module("conv", conv2d(in_channels, out_channels * 4, 1))), blur_(blur) {}

void PixelShuffleIcnrImpl::reset_icnr() {
  torch::NoGradGuard no_grad;
  auto& weight = conv_->weight;  // [out * 4, in, 1, 1]
  const int64_t out = weight.size(0) / 4, in = weight.size(1);
  auto kernel = torch::zeros({out, in, weight.size(2), weight.size(3)});
  torch::nn::init::kaiming_normal_(kernel, 0.0, torch::kFanIn, torch::kLeakyReLU);
  kernel = kernel.transpose(0, 1).contiguous().view({in, out, -1}).repeat({1, 1, 4});
  weight.copy_(kernel.contiguous().view({in, out * 4, weight.size(2), weight.size(3)}).transpose(0, 1));
  conv_->bias.zero_();
}

torch::Tensor PixelShuffleIcnrImpl::forward(const torch::Tensor& x) {
  auto y = torch::pixel_shuffle(torch::relu(conv_->forward(x)), 2);
  if (!blur_) return y;
  // fastai: ReplicationPad2d((1, 0, 1, 0)) then AvgPool2d(2, stride=1), against checkerboards.
  y = F::pad(y, F::PadFuncOptions({1, 0, 1, 0}).mode(torch::kReplicate));
  return F::avg_pool2d(y, F::AvgPool2dFuncOptions(2).stride(1));
}

DynamicUnetBlockImpl::DynamicUnetBlockImpl(int64_t up_channels, int64_t skip_channels, bool final_div, bool blur) {
  shuf_ = register_module("shuf", PixelShuffleIcnr(up_channels, up_channels / 2, blur));
  bn_ = register_module("bn", nn::BatchNorm2d(skip_channels));
  const int64_t in = up_channels / 2 + skip_channels;
  out_channels_ = final_div ? in : in / 2;
  conv1_ = register_module("conv1", FastaiConvLayer(in, out_channels_));
  conv2_ = register_module("conv2", FastaiConvLayer(out_channels_, out_channels_));
}

torch::Tensor DynamicUnetBlockImpl::forward(const torch::Tensor& up, const torch::Tensor& skip) {
  const auto up_out = resize_nearest(shuf_->forward(up), skip.size(2), skip.size(3));
  return conv2_->forward(conv1_->forward(torch::relu(torch::cat({up_out, bn_->forward(skip)}, 1))));
}

DynamicUnetDecoderImpl::DynamicUnetDecoderImpl(const std::vector<int64_t>& encoder_channels,
                                               const DynamicUnetOptions& options)
    : options_(options) {
  if (encoder_channels.size() < 3) throw ConfigError("DynamicUnet needs an encoder_depth of at least 2");
  int64_t channels = encoder_channels.back();
  bn_ = register_module("bn", nn::BatchNorm2d(channels));
  middle_ = register_module("middle", conv_layers(channels, channels * 2, channels));
  std::vector<int64_t> hook_channels{channels};
  blocks_ = register_module("blocks", torch::nn::ModuleList());
  const size_t skips = encoder_channels.size() - 2;  // f_{depth-1} .. f_1; f_0 is the input image
  for (size_t i = 0; i < skips; ++i) {
    const bool not_final = i + 1 != skips;
    DynamicUnetBlock block(channels, encoder_channels[encoder_channels.size() - 2 - i], /*final_div=*/not_final,
                           options.blur && (not_final || options.blur_final));
    channels = block->out_channels();
    hook_channels.push_back(channels);
    blocks_->push_back(block);
  }
  final_shuffle_ = register_module("final_shuffle", PixelShuffleIcnr(channels, channels, false));
  if (options.last_cross) {
    channels += encoder_channels.front();
    const int64_t inner = options.bottle ? channels / 2 : channels;
    res_block_ = register_module("res_block", conv_layers(channels, inner, channels));
  }
  out_channels_ = channels;
  if (options.hypercolumns) {
    hypercolumns_ = register_module("hypercolumns", torch::nn::ModuleList());
    for (int64_t hook : hook_channels) {
      hypercolumns_->push_back(torch::nn::Sequential(conv2d(hook, channels, 3), conv2d(channels, channels, 3)));
    }
    out_channels_ = channels * static_cast<int64_t>(hook_channels.size() + 1);
  }
}

void initialize_fastai(torch::nn::Module& root) {
  for (const auto& module : root.modules(/*include_self=*/false)) {
    if (auto* conv = module->as<torch::nn::Conv2dImpl>()) kaiming_normal_zero_bias(*conv);
    if (auto* bn = module->as<nn::BatchNorm2dImpl>()) reset_batchnorm_2d(*bn);
  }
  for (const auto& module : root.modules(/*include_self=*/false)) {
    if (auto* shuffle = module->as<PixelShuffleIcnrImpl>()) shuffle->reset_icnr();
  }
}

torch::Tensor DynamicUnetDecoderImpl::forward(const std::vector<torch::Tensor>& features) {
  const auto& image = features.front();
  auto x = middle_->forward(torch::relu(bn_->forward(features.back())));
  std::vector<torch::Tensor> hooks{x};
  for (size_t i = 0; i < blocks_->size(); ++i) {
    const auto& skip = features[features.size() - 2 - i];
    x = blocks_[i]->as<DynamicUnetBlockImpl>()->forward(x, options_.detach_skips ? skip.detach() : skip);
    hooks.push_back(x);
  }
  x = resize_nearest(final_shuffle_->forward(x), image.size(2), image.size(3));
  if (options_.last_cross) {
    x = torch::cat({x, image}, 1);
    x = x + res_block_->forward(x);
  }
  if (!options_.hypercolumns) return x;
  std::vector<torch::Tensor> columns;
  const auto levels = static_cast<int64_t>(hooks.size());
  for (int64_t i = 0; i < levels; ++i) {
    const double scale = static_cast<double>(int64_t{1} << (levels - i));
    columns.push_back(F::interpolate(hypercolumns_[static_cast<size_t>(i)]->as<torch::nn::SequentialImpl>()->forward(hooks[static_cast<size_t>(i)]),
                                     F::InterpolateFuncOptions()
                                         .scale_factor(std::vector<double>{scale, scale})
                                         .mode(torch::kBilinear)
                                         .align_corners(false)));
  }
  columns.push_back(x);
  return torch::cat(columns, 1);
}

}  // namespace segkit::models
