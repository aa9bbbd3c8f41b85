#include "segkit/encoders/mix_transformer.h"

#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include <cmath>

#include "segkit/encoders/timm_layers.h"

namespace segkit::encoders {
namespace mix_transformer_parts {

using torch::nn::Conv2d;
using torch::nn::Conv2dOptions;
using torch::nn::Linear;

constexpr int64_t kHeads[] = {1, 2, 5, 8};
constexpr int64_t kReduction[] = {8, 4, 2, 1};
constexpr double kMitDropPath = 0.1;

torch::nn::LayerNorm layer_norm(int64_t channels, double eps) {
  return torch::nn::LayerNorm(torch::nn::LayerNormOptions({channels}).eps(eps));
}

class AttentionImpl : public torch::nn::Module {
 public:
  AttentionImpl(int64_t dim, int64_t heads, int64_t reduction) : heads_(heads), reduction_(reduction) {
    q_ = register_module("q", Linear(dim, dim));
    kv_ = register_module("kv", Linear(dim, 2 * dim));
    proj_ = register_module("proj", Linear(dim, dim));
    if (reduction > 1) {
      sr_ = register_module("sr", Conv2d(Conv2dOptions(dim, dim, reduction).stride(reduction)));
      norm_ = register_module("norm", layer_norm(dim, 1e-5));
    }
  }
  torch::Tensor forward(const torch::Tensor& x, int64_t height, int64_t width) {
    const int64_t b = x.size(0), n = x.size(1), c = x.size(2);
    const auto q = q_->forward(x).reshape({b, n, heads_, c / heads_}).permute({0, 2, 1, 3});
    torch::Tensor source = x;
    if (reduction_ > 1) {
      source = sr_->forward(x.permute({0, 2, 1}).reshape({b, c, height, width})).reshape({b, c, -1}).permute({0, 2, 1});
      source = norm_->forward(source);
    }
    const auto kv = kv_->forward(source).reshape({b, -1, 2, heads_, c / heads_}).permute({2, 0, 3, 1, 4});
    const double scale = 1.0 / std::sqrt(static_cast<double>(c / heads_));
    const auto attention = (torch::matmul(q, kv[0].transpose(-2, -1)) * scale).softmax(-1);
    return proj_->forward(torch::matmul(attention, kv[1]).transpose(1, 2).reshape({b, n, c}));
  }

 private:
  int64_t heads_, reduction_;
  Linear q_{nullptr}, kv_{nullptr}, proj_{nullptr};
  Conv2d sr_{nullptr};
  torch::nn::LayerNorm norm_{nullptr};
};
TORCH_MODULE(Attention);

class DWConvImpl : public torch::nn::Module {
 public:
  explicit DWConvImpl(int64_t dim) {
    conv_ = register_module("dwconv", Conv2d(Conv2dOptions(dim, dim, 3).padding(1).groups(dim)));
  }
  torch::Tensor forward(const torch::Tensor& x, int64_t height, int64_t width) {
    const int64_t b = x.size(0), c = x.size(2);
    return conv_->forward(x.transpose(1, 2).reshape({b, c, height, width})).flatten(2).transpose(1, 2);
  }

 private:
  Conv2d conv_{nullptr};
};
TORCH_MODULE(DWConv);

class MixFFNImpl : public torch::nn::Module {
 public:
  MixFFNImpl(int64_t dim, int64_t hidden) {
    fc1_ = register_module("fc1", Linear(dim, hidden));
    dwconv_ = register_module("dwconv", DWConv(hidden));
    fc2_ = register_module("fc2", Linear(hidden, dim));
  }
  torch::Tensor forward(const torch::Tensor& x, int64_t height, int64_t width) {
    return fc2_->forward(torch::gelu(dwconv_->forward(fc1_->forward(x), height, width)));
  }

 private:
  Linear fc1_{nullptr}, fc2_{nullptr};
  DWConv dwconv_{nullptr};
};
TORCH_MODULE(MixFFN);

class BlockImpl : public torch::nn::Module {
 public:
  BlockImpl(int64_t dim, int64_t heads, int64_t reduction, double drop_path) : drop_path_(drop_path) {
    norm1_ = register_module("norm1", layer_norm(dim, 1e-6));
    attn_ = register_module("attn", Attention(dim, heads, reduction));
    norm2_ = register_module("norm2", layer_norm(dim, 1e-6));
    mlp_ = register_module("mlp", MixFFN(dim, 4 * dim));
  }
  /// Tokens [B, H*W, C] of an H x W map.
  torch::Tensor forward(torch::Tensor x, int64_t h, int64_t w) {
    x = x + drop_path(attn_->forward(norm1_->forward(x), h, w), drop_path_, is_training());
    return x + drop_path(mlp_->forward(norm2_->forward(x), h, w), drop_path_, is_training());
  }

 private:
  double drop_path_;
  torch::nn::LayerNorm norm1_{nullptr}, norm2_{nullptr};
  Attention attn_{nullptr};
  MixFFN mlp_{nullptr};
};
TORCH_MODULE(Block);

class PatchEmbedImpl : public torch::nn::Module {
 public:
  PatchEmbedImpl(int64_t in, int64_t dim, int64_t patch, int64_t stride) {
    proj_ = register_module("proj", Conv2d(Conv2dOptions(in, dim, patch).stride(stride).padding(patch / 2)));
    norm_ = register_module("norm", layer_norm(dim, 1e-5));
  }
  torch::Tensor forward(const torch::Tensor& x) { return channel_layer_norm(norm_, proj_->forward(x)); }

 private:
  Conv2d proj_{nullptr};
  torch::nn::LayerNorm norm_{nullptr};
};
TORCH_MODULE(PatchEmbed);

class StageBlocksImpl : public torch::nn::Module {
 public:
  void add(Block block) { blocks_.push_back(register_module(std::to_string(blocks_.size()), block)); }
  /// [B, C, H, W] in and out; the blocks work on contiguous tokens, converted once per stage (per
  /// block, the strided views made every LayerNorm, GELU and matmul copy: 1.5x slower).
  torch::Tensor forward(const torch::Tensor& input) {
    const int64_t b = input.size(0), h = input.size(2), w = input.size(3);
    auto x = input.flatten(2).transpose(1, 2).contiguous();
    for (auto& block : blocks_) x = block->forward(x, h, w);
    return x.transpose(1, 2).reshape({b, -1, h, w});
  }

 private:
  std::vector<std::shared_ptr<BlockImpl>> blocks_;
};
TORCH_MODULE(StageBlocks);

}  // namespace mix_transformer_parts

MixTransformerEncoderImpl::MixTransformerEncoderImpl(const MixTransformerConfig& config,
                                                     std::vector<int64_t> out_channels, int depth)
    : EncoderImpl(std::move(out_channels), depth) {
  using namespace mix_transformer_parts;
  const auto& dims = config.embed_dims;
  for (size_t s = 0; s < 4; ++s) {
    const int64_t in = s == 0 ? 3 : dims[s - 1];
    embeds_.push_back(register_module("patch_embed" + std::to_string(s + 1),
                                      PatchEmbed(in, dims[s], s == 0 ? 7 : 3, s == 0 ? 4 : 2)));
  }
  int64_t total = 0;
  for (int64_t d : config.depths) total += d;
  int64_t index = 0;
  for (size_t s = 0; s < 4; ++s) {
    StageBlocks blocks;
    for (int64_t i = 0; i < config.depths[s]; ++i, ++index) {
      // torch.linspace(0, rate, total)
      const double rate = total > 1 ? kMitDropPath * static_cast<double>(index) / static_cast<double>(total - 1) : 0.0;
      blocks->add(Block(dims[s], kHeads[s], kReduction[s], rate));
    }
    blocks_.push_back(register_module("block" + std::to_string(s + 1), blocks));
    norms_.push_back(register_module("norm" + std::to_string(s + 1), layer_norm(dims[s], 1e-6)));
  }
  init_convs_fan_out(*this);
  init_truncated_normal(*this, /*convs=*/false);
}

std::vector<torch::Tensor> MixTransformerEncoderImpl::forward(torch::Tensor x) {
  using namespace mix_transformer_parts;
  std::vector<torch::Tensor> features{x, torch::empty({x.size(0), 0, x.size(2) / 2, x.size(3) / 2}, x.options())};
  for (int s = 0; s + 2 <= depth_; ++s) {
    x = std::static_pointer_cast<PatchEmbedImpl>(embeds_[s])->forward(x);
    x = std::static_pointer_cast<StageBlocksImpl>(blocks_[s])->forward(x);
    x = channel_layer_norm(norms_[s], x).contiguous();
    features.push_back(x);
  }
  return features;
}

std::vector<std::pair<int, std::vector<std::shared_ptr<torch::nn::Module>>>> MixTransformerEncoderImpl::stages() {
  using namespace mix_transformer_parts;
  return {{16, {embeds_[2], blocks_[2], norms_[2].ptr()}}, {32, {embeds_[3], blocks_[3], norms_[3].ptr()}}};
}

std::vector<EncoderSpec> mix_transformer_encoders() {
  using namespace mix_transformer_parts;
  struct Variant {
    const char* name;
    MixTransformerConfig config;
  };
  const std::vector<int64_t> wide = {64, 128, 320, 512};
  const std::vector<Variant> variants = {
      {"mit_b0", {{32, 64, 160, 256}, {2, 2, 2, 2}}}, {"mit_b1", {wide, {2, 2, 2, 2}}},
      {"mit_b2", {wide, {3, 4, 6, 3}}},               {"mit_b3", {wide, {3, 4, 18, 3}}},
      {"mit_b4", {wide, {3, 8, 27, 3}}},              {"mit_b5", {wide, {3, 6, 40, 3}}},
  };
  std::vector<EncoderSpec> specs;
  for (const auto& v : variants) {
    std::vector<int64_t> channels{3, 0};
    channels.insert(channels.end(), v.config.embed_dims.begin(), v.config.embed_dims.end());
    auto build = [v, channels](int depth) -> std::shared_ptr<EncoderImpl> {
      return std::make_shared<MixTransformerEncoderImpl>(v.config, channels, depth);
    };
    specs.push_back(EncoderSpec{v.name, "mix_transformer", channels, build, 1, 5});
  }
  return specs;
}

}  // namespace segkit::encoders
