#include "segkit/encoders/timm_convnext.h"

#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include "segkit/encoders/timm_layers.h"

namespace segkit::encoders {
namespace timm_convnext_parts {

using torch::nn::Conv2d;
using torch::nn::Conv2dOptions;

constexpr double kNormEps = 1e-6;
constexpr double kLayerScale = 1e-6;

class MlpImpl : public torch::nn::Module {
 public:
  MlpImpl(int64_t channels, int64_t hidden) {
    fc1_ = register_module("fc1", torch::nn::Linear(channels, hidden));
    fc2_ = register_module("fc2", torch::nn::Linear(hidden, channels));
  }
  torch::Tensor forward(const torch::Tensor& x) { return fc2_->forward(torch::gelu(fc1_->forward(x))); }

 private:
  torch::nn::Linear fc1_{nullptr}, fc2_{nullptr};
};
TORCH_MODULE(Mlp);

class ConvNeXtBlockImpl : public torch::nn::Module {
 public:
  explicit ConvNeXtBlockImpl(int64_t channels) {
    // Registered first: Python's state_dict lists a module's own parameters before its children's.
    gamma_ = register_parameter("gamma", torch::full({channels}, kLayerScale));
    conv_dw_ = register_module("conv_dw", Conv2d(Conv2dOptions(channels, channels, 7).padding(3).groups(channels)));
    norm_ = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({channels}).eps(kNormEps)));
    mlp_ = register_module("mlp", Mlp(channels, 4 * channels));
  }
  torch::Tensor forward(const torch::Tensor& input) {
    auto x = conv_dw_->forward(input).permute({0, 2, 3, 1});
    x = mlp_->forward(norm_->forward(x)).permute({0, 3, 1, 2});
    return x * gamma_.reshape({1, -1, 1, 1}) + input;
  }

 private:
  torch::Tensor gamma_;
  Conv2d conv_dw_{nullptr};
  torch::nn::LayerNorm norm_{nullptr};
  Mlp mlp_{nullptr};
};
TORCH_MODULE(ConvNeXtBlock);

// timm's stage downsample, Sequential(LayerNorm2d, 2x2 conv), under its index names.
class ConvNeXtDownsampleImpl : public torch::nn::Module {
 public:
  ConvNeXtDownsampleImpl(int64_t in, int64_t out) {
    norm_ = register_module("0", torch::nn::LayerNorm(torch::nn::LayerNormOptions({in}).eps(kNormEps)));
    conv_ = register_module("1", Conv2d(Conv2dOptions(in, out, 2).stride(2)));
  }
  torch::Tensor forward(const torch::Tensor& x) { return conv_->forward(channel_layer_norm(norm_, x)); }

 private:
  torch::nn::LayerNorm norm_{nullptr};
  Conv2d conv_{nullptr};
};
TORCH_MODULE(ConvNeXtDownsample);

class ConvNeXtStageImpl : public torch::nn::Module {
 public:
  ConvNeXtStageImpl(int64_t in, int64_t out, int64_t depth) {
    if (in != out) downsample_ = register_module("downsample", ConvNeXtDownsample(in, out));
    torch::nn::Sequential blocks;
    for (int64_t i = 0; i < depth; ++i) blocks->push_back(ConvNeXtBlock(out));
    blocks_ = register_module("blocks", blocks);
  }
  torch::Tensor forward(torch::Tensor x) {
    if (downsample_) x = downsample_->forward(x);
    return blocks_->forward(x);
  }

 private:
  ConvNeXtDownsample downsample_{nullptr};
  torch::nn::Sequential blocks_{nullptr};
};
TORCH_MODULE(ConvNeXtStage);

}  // namespace timm_convnext_parts

TimmConvNeXtEncoderImpl::TimmConvNeXtEncoderImpl(const std::vector<int64_t>& stage_depths,
                                                 std::vector<int64_t> out_channels, int depth)
    : EncoderImpl(std::move(out_channels), depth) {
  using namespace timm_convnext_parts;
  const auto& channels = all_out_channels_;  // [3, 0, C1, C2, C3, C4]
  TimmModel model;
  stem_conv_ = model->register_module("stem_0", Conv2d(Conv2dOptions(3, channels[2], 4).stride(4)));
  stem_norm_ = model->register_module("stem_1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({channels[2]}).eps(kNormEps)));
  int64_t in = channels[2];
  for (size_t s = 0; s < stage_depths.size(); ++s) {
    stages_.push_back(model->register_module("stages_" + std::to_string(s),
                                             ConvNeXtStage(in, channels[s + 2], stage_depths[s])));
    in = channels[s + 2];
  }
  register_module("model", model);
  init_truncated_normal(*this, /*convs=*/true);
}

std::vector<torch::Tensor> TimmConvNeXtEncoderImpl::forward(torch::Tensor x) {
  using namespace timm_convnext_parts;
  // SMP's stand-in for the stride-2 feature a patch stem does not have.
  std::vector<torch::Tensor> features{x, torch::empty({x.size(0), 0, x.size(2) / 2, x.size(3) / 2}, x.options())};
  if (depth_ < 2) return features;
  x = channel_layer_norm(stem_norm_, stem_conv_->forward(x));
  for (int stage = 0; stage + 2 <= depth_; ++stage) {
    x = std::static_pointer_cast<ConvNeXtStageImpl>(stages_[stage])->forward(x);
    features.push_back(x);
  }
  return features;
}

std::vector<EncoderSpec> timm_convnext_encoders() {
  using namespace timm_convnext_parts;
  struct Variant {
    const char* name;
    std::vector<int64_t> depths, channels;
  };
  const std::vector<Variant> variants = {
      {"tu-convnext_tiny", {3, 3, 9, 3}, {3, 0, 96, 192, 384, 768}},
      {"tu-convnext_small", {3, 3, 27, 3}, {3, 0, 96, 192, 384, 768}},
      {"tu-convnext_base", {3, 3, 27, 3}, {3, 0, 128, 256, 512, 1024}},
  };
  std::vector<EncoderSpec> specs;
  for (const auto& v : variants) {
    auto build = [v](int depth) -> std::shared_ptr<EncoderImpl> {
      return std::make_shared<TimmConvNeXtEncoderImpl>(v.depths, v.channels, depth);
    };
    specs.push_back(EncoderSpec{v.name, "timm-convnext", v.channels, build, 1, 5});
  }
  return specs;
}

}  // namespace segkit::encoders
