#include "segkit/encoders/timm_efficientnet.h"

#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>

#include <cmath>

#include "segkit/encoders/efficientnet_blocks.h"
#include "segkit/encoders/timm_layers.h"
#include "segkit/nn/batchnorm.h"

namespace segkit::encoders {
namespace timm_efficientnet_parts {

using torch::nn::Conv2d;
using torch::nn::Conv2dOptions;

Conv2d conv(int64_t in, int64_t out, int64_t kernel, int64_t stride = 1, int64_t groups = 1, bool bias = false) {
  // timm's default padding: ((stride - 1) + (kernel - 1)) / 2, symmetric.
  return Conv2d(Conv2dOptions(in, out, kernel).stride(stride).padding(((stride - 1) + (kernel - 1)) / 2)
                    .groups(groups).bias(bias));
}

class SqueezeExciteImpl : public torch::nn::Module {
 public:
  SqueezeExciteImpl(int64_t channels, int64_t reduced) {
    reduce_ = register_module("conv_reduce", conv(channels, reduced, 1, 1, 1, true));
    expand_ = register_module("conv_expand", conv(reduced, channels, 1, 1, 1, true));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    auto s = torch::silu(reduce_->forward(x.mean({2, 3}, /*keepdim=*/true)));
    return x * torch::sigmoid(expand_->forward(s));
  }

 private:
  Conv2d reduce_{nullptr}, expand_{nullptr};
};
TORCH_MODULE(SqueezeExcite);

struct BlockArgs {
  int64_t in, out, kernel, stride, expand;
  double drop_path;
};

// DepthwiseSeparableConv (expansion 1) or InvertedResidual, with SE and BatchNorm + SiLU.
class TimmBlockImpl : public torch::nn::Module {
 public:
  explicit TimmBlockImpl(const BlockArgs& a)
      : separable_(a.expand == 1), skip_(a.stride == 1 && a.in == a.out), drop_path_(a.drop_path) {
    const int64_t reduced = static_cast<int64_t>(std::lround(static_cast<double>(a.in) * 0.25));
    if (separable_) {
      conv_dw_ = register_module("conv_dw", conv(a.in, a.in, a.kernel, a.stride, a.in));
      bn1_ = register_module("bn1", nn::BatchNorm2d(a.in));
      se_ = register_module("se", SqueezeExcite(a.in, reduced));
      conv_pw_ = register_module("conv_pw", conv(a.in, a.out, 1));
      bn2_ = register_module("bn2", nn::BatchNorm2d(a.out));
      return;
    }
    const int64_t mid = round_filters(a.in * a.expand, 1.0);  // timm's make_divisible(in * ratio)
    conv_pw_ = register_module("conv_pw", conv(a.in, mid, 1));
    bn1_ = register_module("bn1", nn::BatchNorm2d(mid));
    conv_dw_ = register_module("conv_dw", conv(mid, mid, a.kernel, a.stride, mid));
    bn2_ = register_module("bn2", nn::BatchNorm2d(mid));
    se_ = register_module("se", SqueezeExcite(mid, reduced));
    conv_pwl_ = register_module("conv_pwl", conv(mid, a.out, 1));
    bn3_ = register_module("bn3", nn::BatchNorm2d(a.out));
  }
  torch::Tensor forward(const torch::Tensor& input) {
    torch::Tensor x;
    if (separable_) {
      x = se_->forward(torch::silu(bn1_->forward(conv_dw_->forward(input))));
      x = bn2_->forward(conv_pw_->forward(x));
    } else {
      x = torch::silu(bn1_->forward(conv_pw_->forward(input)));
      x = se_->forward(torch::silu(bn2_->forward(conv_dw_->forward(x))));
      x = bn3_->forward(conv_pwl_->forward(x));
    }
    return skip_ ? drop_path(x, drop_path_, is_training()) + input : x;
  }

 private:
  bool separable_, skip_;
  double drop_path_;
  Conv2d conv_dw_{nullptr}, conv_pw_{nullptr}, conv_pwl_{nullptr};
  nn::BatchNorm2d bn1_{nullptr}, bn2_{nullptr}, bn3_{nullptr};
  SqueezeExcite se_{nullptr};
};
TORCH_MODULE(TimmBlock);

// A stage: its blocks in order (a Sequential in timm, so `blocks.S.B` names).
class TimmStageImpl : public torch::nn::Module {
 public:
  void add(TimmBlock block) { blocks_.push_back(register_module(std::to_string(blocks_.size()), block)); }
  torch::Tensor forward(torch::Tensor x) {
    for (auto& block : blocks_) x = block->forward(x);
    return x;
  }

 private:
  std::vector<std::shared_ptr<TimmBlockImpl>> blocks_;
};
TORCH_MODULE(TimmStage);

// The b0 stages (timm's arch_def: ds_r1_k3_s1_e1_c16_se0.25, ir_r2_k3_s2_e6_c24_se0.25, ...).
struct StageDef {
  int repeats;
  int64_t kernel, stride, expand, channels;
};
constexpr StageDef kStages[] = {{1, 3, 1, 1, 16},  {2, 3, 2, 6, 24},  {2, 5, 2, 6, 40}, {3, 3, 2, 6, 80},
                                {3, 5, 1, 6, 112}, {4, 5, 2, 6, 192}, {1, 3, 1, 6, 320}};
constexpr double kEfficientNetDropPath = 0.2;

}  // namespace timm_efficientnet_parts

TimmEfficientNetEncoderImpl::TimmEfficientNetEncoderImpl(const TimmEfficientNetScaling& scaling,
                                                         std::vector<int64_t> out_channels, int depth)
    : EncoderImpl(std::move(out_channels), depth) {
  using namespace timm_efficientnet_parts;
  const int64_t stem = round_filters(32, scaling.width);
  stem_conv_ = register_module("conv_stem", conv(3, stem, 3, 2));
  stem_bn_ = register_module("bn1", nn::BatchNorm2d(stem));

  int total = 0;
  for (const auto& s : kStages) total += round_repeats(s.repeats, scaling.depth);
  torch::nn::ModuleList stages;
  int64_t in = stem;
  int index = 0;
  for (const auto& s : kStages) {
    TimmStage stage;
    const int64_t out = round_filters(s.channels, scaling.width);
    for (int r = 0; r < round_repeats(s.repeats, scaling.depth); ++r, ++index) {
      stage->add(TimmBlock(BlockArgs{in, out, s.kernel, r == 0 ? s.stride : 1, s.expand,
                                     kEfficientNetDropPath * index / total}));
      in = out;
    }
    stages->push_back(stage);
    stages_.push_back(stage.ptr());
  }
  register_module("blocks", stages);
  const int64_t head = round_filters(1280, scaling.width);
  register_module("conv_head", conv(in, head, 1));
  register_module("bn2", nn::BatchNorm2d(head));
  init_convs_fan_out(*this);  // timm's _init_weight_goog
}

std::vector<torch::Tensor> TimmEfficientNetEncoderImpl::forward(torch::Tensor x) {
  using namespace timm_efficientnet_parts;
  std::vector<torch::Tensor> features{x};
  if (depth_ < 1) return features;
  x = torch::silu(stem_bn_->forward(stem_conv_->forward(x)));
  features.push_back(x);
  // SMP's grouping of timm's 7 stages into features at strides 4, 8, 16, 32.
  const std::vector<std::vector<int>> groups = {{0, 1}, {2}, {3, 4}, {5, 6}};
  for (int level = 0; level + 2 <= depth_; ++level) {
    for (int stage : groups[level]) x = std::static_pointer_cast<TimmStageImpl>(stages_[stage])->forward(x);
    features.push_back(x);
  }
  return features;
}

std::vector<std::pair<int, std::vector<std::shared_ptr<torch::nn::Module>>>> TimmEfficientNetEncoderImpl::stages() {
  using namespace timm_efficientnet_parts;
  return {{16, {stages_[3], stages_[4]}}, {32, {stages_[5], stages_[6]}}};
}

std::vector<EncoderSpec> timm_efficientnet_encoders() {
  using namespace timm_efficientnet_parts;
  struct Variant {
    const char* name;
    TimmEfficientNetScaling scaling;
    std::vector<int64_t> channels;
  };
  const std::vector<Variant> variants = {
      {"timm-efficientnet-b0", {1.0, 1.0}, {3, 32, 24, 40, 112, 320}},
      {"timm-efficientnet-b1", {1.0, 1.1}, {3, 32, 24, 40, 112, 320}},
      {"timm-efficientnet-b2", {1.1, 1.2}, {3, 32, 24, 48, 120, 352}},
      {"timm-efficientnet-b3", {1.2, 1.4}, {3, 40, 32, 48, 136, 384}},
      {"timm-efficientnet-b4", {1.4, 1.8}, {3, 48, 32, 56, 160, 448}},
      {"timm-efficientnet-b5", {1.6, 2.2}, {3, 48, 40, 64, 176, 512}},
      {"timm-efficientnet-b6", {1.8, 2.6}, {3, 56, 40, 72, 200, 576}},
      {"timm-efficientnet-b7", {2.0, 3.1}, {3, 64, 48, 80, 224, 640}},
  };
  std::vector<EncoderSpec> specs;
  for (const auto& v : variants) {
    auto build = [v](int depth) -> std::shared_ptr<EncoderImpl> {
      return std::make_shared<TimmEfficientNetEncoderImpl>(v.scaling, v.channels, depth);
    };
    specs.push_back(EncoderSpec{v.name, "timm-efficientnet", v.channels, build, /*min_depth=*/1, /*max_depth=*/5});
  }
  return specs;
}

}  // namespace segkit::encoders
