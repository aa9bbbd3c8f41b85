#include "segkit/encoders/efficientnet.h"

#include "segkit/core/error.h"

#include <torch/nn/modules/container/modulelist.h>

namespace segkit::encoders {
namespace {

// The b0 baseline (r1_k3_s11_e1_i32_o16_se0.25, ...), scaled per variant.
const std::vector<MBConvArgs>& baseline_blocks() {
  static const std::vector<MBConvArgs> blocks = {
      {1, 3, 1, 1, 32, 16, 0.25},  {2, 3, 2, 6, 16, 24, 0.25},   {2, 5, 2, 6, 24, 40, 0.25},
      {3, 3, 2, 6, 40, 80, 0.25},  {3, 5, 1, 6, 80, 112, 0.25},  {4, 5, 2, 6, 112, 192, 0.25},
      {1, 3, 1, 6, 192, 320, 0.25},
  };
  return blocks;
}

}  // namespace

EfficientNetEncoderImpl::EfficientNetEncoderImpl(const EfficientNetScaling& scaling, std::vector<int> out_indexes,
                                                 std::vector<int64_t> out_channels, int depth)
    : EncoderImpl(std::move(out_channels), depth), out_indexes_(std::move(out_indexes)) {
  using torch::nn::Conv2dOptions;
  int64_t image_size = scaling.image_size;
  const int64_t stem_channels = round_filters(32, scaling.width);
  conv_stem_ = register_module(
      "_conv_stem", SameConv2d(Conv2dOptions(3, stem_channels, 3).stride(2).bias(false), image_size, image_size));
  bn0_ = register_module("_bn0", efficientnet_batch_norm(stem_channels));
  image_size = same_output_size(image_size, 2);

  torch::nn::ModuleList blocks;
  int64_t last_filters = stem_channels;
  for (MBConvArgs args : baseline_blocks()) {
    args.input_filters = round_filters(args.input_filters, scaling.width);
    args.output_filters = round_filters(args.output_filters, scaling.width);
    args.repeats = round_repeats(args.repeats, scaling.depth);
    for (int r = 0; r < args.repeats; ++r) {
      MBConvBlock block(args, image_size);
      blocks->push_back(block);
      blocks_.push_back(block);
      if (r == 0) {
        image_size = same_output_size(image_size, args.stride);
        args.input_filters = args.output_filters;
        args.stride = 1;
      }
    }
    last_filters = args.output_filters;
  }
  register_module("_blocks", blocks);
  const int64_t head_channels = round_filters(1280, scaling.width);
  register_module("_conv_head", SameConv2d(Conv2dOptions(last_filters, head_channels, 1).bias(false),
                                           image_size, image_size));
  register_module("_bn1", efficientnet_batch_norm(head_channels));
}

std::vector<torch::Tensor> EfficientNetEncoderImpl::forward(torch::Tensor x) {
  std::vector<torch::Tensor> features{x};
  x = torch::silu(bn0_->forward(conv_stem_->forward(x)));
  features.push_back(x);
  int depth = 1;
  const auto count = static_cast<double>(blocks_.size());
  for (size_t i = 0; i < blocks_.size() && depth < depth_; ++i) {
    x = blocks_[i]->forward(x, drop_connect_rate_ * static_cast<double>(i) / count);
    if (std::find(out_indexes_.begin(), out_indexes_.end(), static_cast<int>(i)) != out_indexes_.end()) {
      features.push_back(x);
      ++depth;
    }
  }
  features.resize(depth_ + 1);
  return features;
}

std::vector<std::pair<int, std::vector<std::shared_ptr<torch::nn::Module>>>> EfficientNetEncoderImpl::stages() {
  std::vector<std::shared_ptr<torch::nn::Module>> stride16, stride32;
  for (size_t i = 0; i < blocks_.size(); ++i) {
    const int index = static_cast<int>(i);
    if (index > out_indexes_[1] && index <= out_indexes_[2]) stride16.push_back(blocks_[i].ptr());
    if (index > out_indexes_[2]) stride32.push_back(blocks_[i].ptr());
  }
  return {{16, stride16}, {32, stride32}};
}

std::vector<EncoderSpec> efficientnet_encoders() {
  struct Variant {
    const char* name;
    EfficientNetScaling scaling;
    std::vector<int64_t> channels;
    std::vector<int> out_indexes;
  };
  const std::vector<Variant> variants = {
      {"efficientnet-b0", {1.0, 1.0, 224}, {3, 32, 24, 40, 112, 320}, {2, 4, 8, 15}},
      {"efficientnet-b1", {1.0, 1.1, 240}, {3, 32, 24, 40, 112, 320}, {4, 7, 15, 22}},
      {"efficientnet-b2", {1.1, 1.2, 260}, {3, 32, 24, 48, 120, 352}, {4, 7, 15, 22}},
      {"efficientnet-b3", {1.2, 1.4, 300}, {3, 40, 32, 48, 136, 384}, {4, 7, 17, 25}},
      {"efficientnet-b4", {1.4, 1.8, 380}, {3, 48, 32, 56, 160, 448}, {5, 9, 21, 31}},
      {"efficientnet-b5", {1.6, 2.2, 456}, {3, 48, 40, 64, 176, 512}, {7, 12, 26, 38}},
      {"efficientnet-b6", {1.8, 2.6, 528}, {3, 56, 40, 72, 200, 576}, {8, 14, 30, 44}},
      {"efficientnet-b7", {2.0, 3.1, 600}, {3, 64, 48, 80, 224, 640}, {10, 17, 37, 54}},
  };
  std::vector<EncoderSpec> specs;
  for (const auto& v : variants) {
    auto build = [v](int depth) -> std::shared_ptr<EncoderImpl> {
      return std::make_shared<EfficientNetEncoderImpl>(v.scaling, v.out_indexes, v.channels, depth);
    };
    specs.push_back(EncoderSpec{v.name, "efficientnet", v.channels, build, /*min_depth=*/2, /*max_depth=*/5});
  }
  return specs;
}

void EfficientNetEncoderImpl::set_drop_connect_rate(double rate) {
  if (!(rate >= 0 && rate < 1)) throw ConfigError("encoder_drop_connect_rate must lie in [0, 1), got " + std::to_string(rate));
  drop_connect_rate_ = rate;
}

}  // namespace segkit::encoders
