#include "segkit/encoders/timm_regnet.h"

#include <torch/nn/modules/conv.h>

#include <cmath>

#include "segkit/encoders/timm_layers.h"
#include "segkit/nn/batchnorm.h"

namespace segkit::encoders {
namespace timm_regnet_parts {

using torch::nn::Conv2d;
using torch::nn::Conv2dOptions;

// timm's ConvNormAct: `conv` (symmetric padding, no bias), `bn`, optional ReLU.
class ConvNormActImpl : public torch::nn::Module {
 public:
  ConvNormActImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride = 1, int64_t groups = 1, bool act = true)
      : act_(act) {
    conv = register_module("conv", Conv2d(Conv2dOptions(in, out, kernel)
                                              .stride(stride)
                                              .padding(((stride - 1) + (kernel - 1)) / 2)
                                              .groups(groups)
                                              .bias(false)));
    bn = register_module("bn", nn::BatchNorm2d(out));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    auto y = bn->forward(conv->forward(x));
    return act_ ? torch::relu(y) : y;
  }
  Conv2d conv{nullptr};
  nn::BatchNorm2d bn{nullptr};

 private:
  bool act_;
};
TORCH_MODULE(ConvNormAct);

// timm's SEModule: fc1 (1x1, bias), ReLU, fc2, sigmoid gate on the spatial mean.
class SEModuleImpl : public torch::nn::Module {
 public:
  SEModuleImpl(int64_t channels, int64_t reduced) {
    fc1_ = register_module("fc1", Conv2d(Conv2dOptions(channels, reduced, 1)));
    fc2_ = register_module("fc2", Conv2d(Conv2dOptions(reduced, channels, 1)));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    return x * torch::sigmoid(fc2_->forward(torch::relu(fc1_->forward(x.mean({2, 3}, /*keepdim=*/true)))));
  }

 private:
  Conv2d fc1_{nullptr}, fc2_{nullptr};
};
TORCH_MODULE(SEModule);

class BottleneckImpl : public torch::nn::Module {
 public:
  BottleneckImpl(int64_t in, int64_t out, int64_t stride, int64_t group_size, bool se) {
    conv1_ = register_module("conv1", ConvNormAct(in, out, 1));
    conv2_ = register_module("conv2", ConvNormAct(out, out, 3, stride, out / group_size));
    // The squeeze width follows the block's input (timm: round(in_chs * se_ratio)).
    if (se) se_ = register_module("se", SEModule(out, static_cast<int64_t>(std::lround(in * 0.25))));
    conv3_ = register_module("conv3", ConvNormAct(out, out, 1, 1, 1, /*act=*/false));
    if (in != out || stride != 1) downsample_ = register_module("downsample", ConvNormAct(in, out, 1, stride, 1, false));
  }
  torch::Tensor forward(const torch::Tensor& input) {
    auto x = conv2_->forward(conv1_->forward(input));
    if (se_) x = se_->forward(x);
    x = conv3_->forward(x);
    return torch::relu(x + (downsample_ ? downsample_->forward(input) : input));
  }
  /// timm's zero_init_last: each residual branch starts as zero.
  void zero_init_last() { conv3_->bn->weight.detach().zero_(); }

 private:
  ConvNormAct conv1_{nullptr}, conv2_{nullptr}, conv3_{nullptr}, downsample_{nullptr};
  SEModule se_{nullptr};
};
TORCH_MODULE(Bottleneck);

class RegStageImpl : public torch::nn::Module {
 public:
  RegStageImpl(int64_t in, int64_t out, int64_t depth, int64_t group_size, bool se) {
    for (int64_t i = 0; i < depth; ++i) {
      blocks_.push_back(register_module("b" + std::to_string(i + 1),
                                        Bottleneck(i == 0 ? in : out, out, i == 0 ? 2 : 1, group_size, se)));
    }
  }
  torch::Tensor forward(torch::Tensor x) {
    for (auto& block : blocks_) x = block->forward(x);
    return x;
  }
  void zero_init_last() {
    for (auto& block : blocks_) block->zero_init_last();
  }

 private:
  std::vector<std::shared_ptr<BottleneckImpl>> blocks_;
};
TORCH_MODULE(RegStage);

constexpr int64_t kStemWidth = 32;

}  // namespace timm_regnet_parts

TimmRegNetEncoderImpl::TimmRegNetEncoderImpl(const RegNetStages& stages, std::vector<int64_t> out_channels, int depth)
    : EncoderImpl(std::move(out_channels), depth) {
  using namespace timm_regnet_parts;
  TimmModel model;
  parts_.push_back(model->register_module("stem", ConvNormAct(3, kStemWidth, 3, 2)));
  int64_t in = kStemWidth;
  std::vector<std::shared_ptr<RegStageImpl>> reg_stages;
  for (size_t s = 0; s < stages.widths.size(); ++s) {
    const int64_t group = std::min(stages.group_size, stages.widths[s]);
    reg_stages.push_back(model->register_module(
        "s" + std::to_string(s + 1), RegStage(in, stages.widths[s], stages.depths[s], group, stages.squeeze_excitation)));
    parts_.push_back(reg_stages.back());
    in = stages.widths[s];
  }
  register_module("model", model);

  init_convs_fan_out(*this);
  torch::NoGradGuard no_grad;
  for (auto& stage : reg_stages) stage->zero_init_last();
}

std::vector<torch::Tensor> TimmRegNetEncoderImpl::forward(torch::Tensor x) {
  using namespace timm_regnet_parts;
  std::vector<torch::Tensor> features{x};
  x = std::static_pointer_cast<ConvNormActImpl>(parts_[0])->forward(x);
  features.push_back(x);
  for (int stage = 1; stage < depth_; ++stage) {
    x = std::static_pointer_cast<RegStageImpl>(parts_[stage])->forward(x);
    features.push_back(x);
  }
  return features;
}

std::vector<EncoderSpec> timm_regnet_encoders() {
  using namespace timm_regnet_parts;
  // Stage widths and depths from timm's RegNetCfg (w0, wa, wm, depth, group_size) through its
  // generate_regnet / adjust_widths_groups_comp, evaluated once.
  struct Variant {
    const char* name;
    RegNetStages stages;
  };
  const std::vector<Variant> variants = {
      {"regnetx_002", {{24, 56, 152, 368}, {1, 1, 4, 7}, 8, false}},
      {"regnetx_004", {{32, 64, 160, 384}, {1, 2, 7, 12}, 16, false}},
      {"regnetx_006", {{48, 96, 240, 528}, {1, 3, 5, 7}, 24, false}},
      {"regnetx_008", {{64, 128, 288, 672}, {1, 3, 7, 5}, 16, false}},
      {"regnetx_016", {{72, 168, 408, 912}, {2, 4, 10, 2}, 24, false}},
      {"regnetx_032", {{96, 192, 432, 1008}, {2, 6, 15, 2}, 48, false}},
      {"regnetx_040", {{80, 240, 560, 1360}, {2, 5, 14, 2}, 40, false}},
      {"regnety_002", {{24, 56, 152, 368}, {1, 1, 4, 7}, 8, true}},
      {"regnety_004", {{48, 104, 208, 440}, {1, 3, 6, 6}, 8, true}},
      {"regnety_006", {{48, 112, 256, 608}, {1, 3, 7, 4}, 16, true}},
      {"regnety_008", {{64, 128, 320, 768}, {1, 3, 8, 2}, 16, true}},
      {"regnety_016", {{48, 120, 336, 888}, {2, 6, 17, 2}, 24, true}},
      {"regnety_032", {{72, 216, 576, 1512}, {2, 5, 13, 1}, 24, true}},
      {"regnety_040", {{128, 192, 512, 1088}, {2, 6, 12, 2}, 64, true}},
  };
  std::vector<EncoderSpec> specs;
  for (const auto& v : variants) {
    std::vector<int64_t> channels{3, kStemWidth};
    channels.insert(channels.end(), v.stages.widths.begin(), v.stages.widths.end());
    auto build = [v, channels](int depth) -> std::shared_ptr<EncoderImpl> {
      return std::make_shared<TimmRegNetEncoderImpl>(v.stages, channels, depth);
    };
    specs.push_back(EncoderSpec{std::string("tu-") + v.name, "timm-regnet", channels, build, 1, 5});
  }
  return specs;
}

}  // namespace segkit::encoders
