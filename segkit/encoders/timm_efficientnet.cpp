#include "segkit/encoders/timm_efficientnet.h"

#include <torch/nn/modules/container/modulelist.h>

#include <cmath>
#include <tuple>

#include "segkit/encoders/efficientnet_blocks.h"

namespace segkit::encoders {
namespace timm_efficientnet_parts {

using Kind = TimmStageDef::Kind;

class SqueezeExciteImpl : public torch::nn::Module {
 public:
  SqueezeExciteImpl(int64_t channels, int64_t reduced) {
    reduce_ = register_module("conv_reduce", TimmConv2d(channels, reduced, 1, 1, 1, /*bias=*/true));
    expand_ = register_module("conv_expand", TimmConv2d(reduced, channels, 1, 1, 1, /*bias=*/true));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    auto s = torch::silu(reduce_->forward(x.mean({2, 3}, /*keepdim=*/true)));
    return x * torch::sigmoid(expand_->forward(s));
  }

 private:
  TimmConv2d reduce_{nullptr}, expand_{nullptr};
};
TORCH_MODULE(SqueezeExcite);

struct BlockArgs {
  Kind kind;
  int64_t in, out, kernel, stride, expand;
  bool se, skip;
  double drop_path, bn_eps;
  bool same;
};

class TimmBlockImpl : public torch::nn::Module {
 public:
  explicit TimmBlockImpl(const BlockArgs& a) : kind_(a.kind), drop_path_(a.drop_path) {
    skip_ = a.stride == 1 && a.in == a.out && (a.kind != Kind::kConvBnAct || a.skip);
    const auto conv = [&](const char* name, int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t groups) {
      return register_module(name, TimmConv2d(in, out, kernel, stride, groups, false, a.same));
    };
    const auto bn = [&](const char* name, int64_t channels) {
      return register_module(name, nn::BatchNorm2d(torch::nn::BatchNormOptions(channels).eps(a.bn_eps)));
    };
    // The SE width follows the block input (timm divides se_ratio by the expansion).
    const int64_t reduced = static_cast<int64_t>(std::lround(static_cast<double>(a.in) * 0.25));
    const int64_t mid = round_filters(a.in * a.expand, 1.0);  // timm's make_divisible(in * ratio)
    switch (a.kind) {
      case Kind::kConvBnAct:
        first_ = conv("conv", a.in, a.out, a.kernel, a.stride, 1);
        bn1_ = bn("bn1", a.out);
        break;
      case Kind::kEdgeResidual:
        first_ = conv("conv_exp", a.in, mid, a.kernel, a.stride, 1);
        bn1_ = bn("bn1", mid);
        if (a.se) se_ = register_module("se", SqueezeExcite(mid, reduced));
        last_ = conv("conv_pwl", mid, a.out, 1, 1, 1);
        bn2_ = bn("bn2", a.out);
        break;
      case Kind::kDepthwiseSeparable:
        first_ = conv("conv_dw", a.in, a.in, a.kernel, a.stride, a.in);
        bn1_ = bn("bn1", a.in);
        if (a.se) se_ = register_module("se", SqueezeExcite(a.in, reduced));
        last_ = conv("conv_pw", a.in, a.out, 1, 1, 1);
        bn2_ = bn("bn2", a.out);
        break;
      case Kind::kInvertedResidual:
        first_ = conv("conv_pw", a.in, mid, 1, 1, 1);
        bn1_ = bn("bn1", mid);
        depthwise_ = conv("conv_dw", mid, mid, a.kernel, a.stride, mid);
        bn2_ = bn("bn2", mid);
        if (a.se) se_ = register_module("se", SqueezeExcite(mid, reduced));
        last_ = conv("conv_pwl", mid, a.out, 1, 1, 1);
        bn3_ = bn("bn3", a.out);
        break;
    }
  }
  torch::Tensor forward(const torch::Tensor& input) {
    auto x = torch::silu(bn1_->forward(first_->forward(input)));
    if (kind_ == Kind::kInvertedResidual) x = torch::silu(bn2_->forward(depthwise_->forward(x)));
    if (se_) x = se_->forward(x);
    if (kind_ != Kind::kConvBnAct) x = (bn3_ ? bn3_ : bn2_)->forward(last_->forward(x));
    return skip_ ? drop_path(x, drop_path_, is_training()) + input : x;
  }

 private:
  Kind kind_;
  bool skip_;
  double drop_path_;
  TimmConv2d first_{nullptr}, depthwise_{nullptr}, last_{nullptr};
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

// timm's arch_def strings, one row per stage.
TimmStageDef ds(int r, int64_t k, int64_t s, int64_t c) { return {Kind::kDepthwiseSeparable, r, k, s, 1, c, true}; }
TimmStageDef ir(int r, int64_t k, int64_t s, int64_t e, int64_t c) { return {Kind::kInvertedResidual, r, k, s, e, c, true}; }
TimmStageDef er(int r, int64_t k, int64_t s, int64_t e, int64_t c) { return {Kind::kEdgeResidual, r, k, s, e, c, false}; }
TimmStageDef cn_skip(int r, int64_t k, int64_t c) { return {Kind::kConvBnAct, r, k, 1, 1, c, false, true}; }

}  // namespace timm_efficientnet_parts

TimmEfficientNetEncoderImpl::TimmEfficientNetEncoderImpl(const TimmEfficientNetConfig& config,
                                                         std::vector<int64_t> out_channels, int depth)
    : EncoderImpl(std::move(out_channels), depth),
      stem_is_feature_(config.stem_is_feature),
      under_model_(config.under_model) {
  using namespace timm_efficientnet_parts;
  torch::nn::Module* root = this;
  TimmModel model;
  if (config.under_model) root = model.get();
  const int64_t stem = round_filters(config.stem, config.width);
  stem_conv_ = root->register_module("conv_stem", TimmConv2d(3, stem, 3, 2, 1, false, config.same_padding));
  stem_bn_ = root->register_module("bn1", nn::BatchNorm2d(torch::nn::BatchNormOptions(stem).eps(config.bn_eps)));

  int total = 0;
  for (const auto& s : config.stages) total += round_repeats(s.repeats, config.depth);
  torch::nn::ModuleList stages;
  int64_t in = stem;
  int index = 0;
  for (const auto& s : config.stages) {
    TimmStage stage;
    const int64_t out = round_filters(s.channels, config.width);
    for (int r = 0; r < round_repeats(s.repeats, config.depth); ++r, ++index) {
      stage->add(TimmBlock(BlockArgs{s.kind, in, out, s.kernel, r == 0 ? s.stride : 1, s.expand, s.se, s.skip,
                                     config.drop_path * index / total, config.bn_eps, config.same_padding}));
      in = out;
    }
    stages->push_back(stage);
    stages_.push_back(stage.ptr());
  }
  root->register_module("blocks", stages);
  if (config.head > 0) {
    const int64_t head = round_filters(config.head, config.width);
    root->register_module("conv_head", TimmConv2d(in, head, 1));
    root->register_module("bn2", nn::BatchNorm2d(torch::nn::BatchNormOptions(head).eps(config.bn_eps)));
  }
  if (config.under_model) register_module("model", model);
  // A feature ends each stage the next one halves (and the last). In SMP's b* wrapper the stem is the
  // stride-2 feature, so the first stage (stride 1) runs with the second.
  std::vector<int> group;
  for (size_t s = 0; s < config.stages.size(); ++s) {
    group.push_back(static_cast<int>(s));
    const bool halves_next = s + 1 == config.stages.size() || config.stages[s + 1].stride > 1;
    if (halves_next && !(config.stem_is_feature && s == 0)) {
      feature_groups_.push_back(group);
      group.clear();
    }
  }
  init_convs_fan_out(*this);  // timm's _init_weight_goog
}

std::vector<torch::Tensor> TimmEfficientNetEncoderImpl::forward(torch::Tensor x) {
  using namespace timm_efficientnet_parts;
  std::vector<torch::Tensor> features{x};
  x = torch::silu(stem_bn_->forward(stem_conv_->forward(x)));
  if (stem_is_feature_) features.push_back(x);
  for (const auto& group : feature_groups_) {
    if (static_cast<int>(features.size()) > depth_) break;
    for (int stage : group) x = std::static_pointer_cast<TimmStageImpl>(stages_[stage])->forward(x);
    features.push_back(x);
  }
  features.resize(depth_ + 1);
  return features;
}

std::vector<std::pair<int, std::vector<std::shared_ptr<torch::nn::Module>>>> TimmEfficientNetEncoderImpl::stages() {
  if (under_model_) return {};  // tu- encoders: timm dilates differently (docs/models.md)
  return {{16, {stages_[3], stages_[4]}}, {32, {stages_[5], stages_[6]}}};
}

std::vector<EncoderSpec> timm_efficientnet_encoders() {
  using namespace timm_efficientnet_parts;
  // timm's b0 arch_def: ds_r1_k3_s1_e1_c16_se0.25, ir_r2_k3_s2_e6_c24_se0.25, ...
  const std::vector<TimmStageDef> b0 = {ds(1, 3, 1, 16),    ir(2, 3, 2, 6, 24),  ir(2, 5, 2, 6, 40),
                                        ir(3, 3, 2, 6, 80), ir(3, 5, 1, 6, 112), ir(4, 5, 2, 6, 192),
                                        ir(1, 3, 1, 6, 320)};
  struct Variant {
    const char* name;
    double width, depth;
    std::vector<int64_t> channels;
  };
  const std::vector<Variant> variants = {
      {"timm-efficientnet-b0", 1.0, 1.0, {3, 32, 24, 40, 112, 320}},
      {"timm-efficientnet-b1", 1.0, 1.1, {3, 32, 24, 40, 112, 320}},
      {"timm-efficientnet-b2", 1.1, 1.2, {3, 32, 24, 48, 120, 352}},
      {"timm-efficientnet-b3", 1.2, 1.4, {3, 40, 32, 48, 136, 384}},
      {"timm-efficientnet-b4", 1.4, 1.8, {3, 48, 32, 56, 160, 448}},
      {"timm-efficientnet-b5", 1.6, 2.2, {3, 48, 40, 64, 176, 512}},
      {"timm-efficientnet-b6", 1.8, 2.6, {3, 56, 40, 72, 200, 576}},
      {"timm-efficientnet-b7", 2.0, 3.1, {3, 64, 48, 80, 224, 640}},
  };
  std::vector<EncoderSpec> specs;
  for (const auto& v : variants) {
    TimmEfficientNetConfig config;
    config.stages = b0;
    config.width = v.width;
    config.depth = v.depth;
    config.head = 1280;
    config.drop_path = 0.2;
    config.stem_is_feature = true;
    auto build = [config, channels = v.channels](int depth) -> std::shared_ptr<EncoderImpl> {
      return std::make_shared<TimmEfficientNetEncoderImpl>(config, channels, depth);
    };
    specs.push_back(EncoderSpec{v.name, "timm-efficientnet", v.channels, build, 1, 5});
  }
  // timm's efficientnetv2_s / _m arch_defs (cn_r2_k3_s1_e1_c24_skip, er_r4_k3_s2_e4_c48, ...).
  const std::vector<TimmStageDef> v2_s = {cn_skip(2, 3, 24),      er(4, 3, 2, 4, 48),     er(4, 3, 2, 4, 64),
                                          ir(6, 3, 2, 4, 128),    ir(9, 3, 1, 6, 160),    ir(15, 3, 2, 6, 256)};
  const std::vector<TimmStageDef> v2_m = {cn_skip(3, 3, 24),   er(5, 3, 2, 4, 48),   er(5, 3, 2, 4, 80),
                                          ir(7, 3, 2, 4, 160), ir(14, 3, 1, 6, 176), ir(18, 3, 2, 6, 304),
                                          ir(5, 3, 1, 6, 512)};
  for (bool tf : {false, true}) {
    for (const auto& [size, stages, channels] :
         {std::tuple<const char*, std::vector<TimmStageDef>, std::vector<int64_t>>{"s", v2_s, {3, 24, 48, 64, 160, 256}},
          {"m", v2_m, {3, 24, 48, 80, 176, 512}}}) {
      TimmEfficientNetConfig config;
      config.stages = stages;
      config.stem = 24;
      config.under_model = true;
      config.same_padding = tf;
      config.bn_eps = tf ? 1e-3 : 1e-5;
      auto build = [config, channels = channels](int depth) -> std::shared_ptr<EncoderImpl> {
        return std::make_shared<TimmEfficientNetEncoderImpl>(config, channels, depth);
      };
      specs.push_back(EncoderSpec{std::string(tf ? "tu-tf_efficientnetv2_" : "tu-efficientnetv2_") + size,
                                  "timm-efficientnet", channels, build, 1, 5});
    }
  }
  return specs;
}

}  // namespace segkit::encoders
