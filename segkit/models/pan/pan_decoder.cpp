#include "segkit/models/pan/pan_decoder.h"

#include <torch/nn/functional/upsampling.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/pooling.h>

#include "segkit/core/error.h"
#include "segkit/nn/batchnorm.h"

namespace segkit::models {
namespace {

namespace F = torch::nn::functional;

// SMP's PAN ConvBnRelu: `conv` (with bias) then `bn`, the ReLU optional.
class ConvBnReluImpl : public torch::nn::Module {
 public:
  ConvBnReluImpl(int64_t in, int64_t out, int64_t kernel, int64_t padding, bool relu = true) : relu_(relu) {
    conv_ = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).padding(padding)));
    bn_ = register_module("bn", nn::BatchNorm2d(out));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    auto y = bn_->forward(conv_->forward(x));
    return relu_ ? torch::relu_(y) : y;
  }

 private:
  bool relu_;
  torch::nn::Conv2d conv_{nullptr};
  nn::BatchNorm2d bn_{nullptr};
};
TORCH_MODULE(ConvBnRelu);

torch::Tensor resize(const torch::Tensor& x, int64_t height, int64_t width, const std::string& mode) {
  auto options = F::InterpolateFuncOptions().size(std::vector<int64_t>{height, width});
  if (mode == "bilinear") return F::interpolate(x, options.mode(torch::kBilinear).align_corners(true));
  if (mode == "nearest") return F::interpolate(x, options.mode(torch::kNearest));
  if (mode == "bicubic") return F::interpolate(x, options.mode(torch::kBicubic).align_corners(false));
  if (mode == "area") return F::interpolate(x, options.mode(torch::kArea));
  throw ConfigError("unknown decoder_interpolation '" + mode + "'; valid: bilinear, nearest, bicubic, area");
}

torch::nn::MaxPool2d halve() { return torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2).stride(2)); }

class FPABlockImpl : public torch::nn::Module {
 public:
  FPABlockImpl(int64_t in, int64_t out) {
    branch1_ = register_module("branch1", torch::nn::Sequential(torch::nn::AdaptiveAvgPool2d(1), ConvBnRelu(in, out, 1, 0)));
    mid_ = register_module("mid", torch::nn::Sequential(ConvBnRelu(in, out, 1, 0)));
    down1_ = register_module("down1", torch::nn::Sequential(halve(), ConvBnRelu(in, 1, 7, 3)));
    down2_ = register_module("down2", torch::nn::Sequential(halve(), ConvBnRelu(1, 1, 5, 2)));
    down3_ = register_module("down3", torch::nn::Sequential(halve(), ConvBnRelu(1, 1, 3, 1), ConvBnRelu(1, 1, 3, 1)));
    conv2_ = register_module("conv2", ConvBnRelu(1, 1, 5, 2));
    conv1_ = register_module("conv1", ConvBnRelu(1, 1, 7, 3));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    const int64_t height = x.size(2), width = x.size(3);
    const auto global = resize(branch1_->forward(x), height, width, "bilinear");
    const auto middle = mid_->forward(x);
    auto x1 = down1_->forward(x);
    auto x2 = down2_->forward(x1);
    auto x3 = resize(down3_->forward(x2), height / 4, width / 4, "bilinear");
    auto y = resize(conv2_->forward(x2) + x3, height / 2, width / 2, "bilinear");
    y = resize(y + conv1_->forward(x1), height, width, "bilinear");
    return y * middle + global;
  }

 private:
  torch::nn::Sequential branch1_{nullptr}, mid_{nullptr}, down1_{nullptr}, down2_{nullptr}, down3_{nullptr};
  ConvBnRelu conv2_{nullptr}, conv1_{nullptr};
};
TORCH_MODULE(FPABlock);

class GAUBlockImpl : public torch::nn::Module {
 public:
  GAUBlockImpl(int64_t in, int64_t out, std::string interpolation) : interpolation_(std::move(interpolation)) {
    conv1_ = register_module("conv1", torch::nn::Sequential(torch::nn::AdaptiveAvgPool2d(1),
                                                            ConvBnRelu(out, out, 1, 0, /*relu=*/false),
                                                            torch::nn::Sigmoid()));
    conv2_ = register_module("conv2", ConvBnRelu(in, out, 3, 1));
  }
  /// `low`: the skip; `high`: the deeper map so far.
  torch::Tensor forward(const torch::Tensor& low, const torch::Tensor& high) {
    const auto upsampled = resize(high, low.size(2), low.size(3), interpolation_);
    return upsampled + conv2_->forward(low) * conv1_->forward(high);
  }

 private:
  std::string interpolation_;
  torch::nn::Sequential conv1_{nullptr};
  ConvBnRelu conv2_{nullptr};
};
TORCH_MODULE(GAUBlock);

}  // namespace

PANDecoderImpl::PANDecoderImpl(const std::vector<int64_t>& encoder_channels, int encoder_depth,
                               int64_t decoder_channels, const std::string& interpolation) {
  if (encoder_depth < 3) {
    throw ConfigError("Encoder depth for PAN decoder cannot be less than 3, got " + std::to_string(encoder_depth) + ".");
  }
  // The stride-1 and stride-2 features are not used: channels of 1/4, 1/8, ...
  const std::vector<int64_t> used(encoder_channels.begin() + 2, encoder_channels.end());
  fpa_ = register_module("fpa", FPABlock(used.back(), decoder_channels));
  // Registered deepest first, as SMP's state_dict lists them.
  for (int level = 3; level >= 1; --level) {
    if (encoder_depth < level + 2) continue;
    gaus_.push_back(
        register_module("gau" + std::to_string(level), GAUBlock(used[level - 1], decoder_channels, interpolation)));
  }
}

torch::Tensor PANDecoderImpl::forward(const std::vector<torch::Tensor>& features) {
  torch::Tensor out = std::static_pointer_cast<FPABlockImpl>(fpa_)->forward(features.back());
  // gau3 reads features[4] (1/16), gau2 features[3], gau1 features[2].
  size_t skip = 1 + gaus_.size();
  for (const auto& gau : gaus_) out = std::static_pointer_cast<GAUBlockImpl>(gau)->forward(features[skip--], out);
  return out;
}

}  // namespace segkit::models
