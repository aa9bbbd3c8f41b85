#include "segkit/encoders/densenet.h"

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/pooling.h>
#include "segkit/nn/batchnorm.h"

namespace segkit::encoders {
namespace {

using nn::BatchNorm2d;
using torch::nn::Conv2d;
using torch::nn::Conv2dOptions;

class DenseLayerImpl : public torch::nn::Module {
 public:
  DenseLayerImpl(int64_t input_features, int64_t growth_rate, int64_t bn_size) {
    norm1_ = register_module("norm1", BatchNorm2d(input_features));
    register_module("relu1", torch::nn::ReLU());
    conv1_ = register_module("conv1", Conv2d(Conv2dOptions(input_features, bn_size * growth_rate, 1).bias(false)));
    norm2_ = register_module("norm2", BatchNorm2d(bn_size * growth_rate));
    register_module("relu2", torch::nn::ReLU());
    conv2_ = register_module(
        "conv2", Conv2d(Conv2dOptions(bn_size * growth_rate, growth_rate, 3).padding(1).bias(false)));
  }
  torch::Tensor forward(const torch::Tensor& concatenated) {
    auto bottleneck = conv1_->forward(torch::relu(norm1_->forward(concatenated)));
    return conv2_->forward(torch::relu(norm2_->forward(bottleneck)));
  }

 private:
  BatchNorm2d norm1_{nullptr}, norm2_{nullptr};
  Conv2d conv1_{nullptr}, conv2_{nullptr};
};
TORCH_MODULE(DenseLayer);

class DenseBlockImpl : public torch::nn::Module {
 public:
  DenseBlockImpl(int layers, int64_t input_features, int64_t growth_rate, int64_t bn_size) {
    for (int i = 0; i < layers; ++i) {
      layers_.push_back(register_module("denselayer" + std::to_string(i + 1),
                                        DenseLayer(input_features + i * growth_rate, growth_rate, bn_size)));
    }
  }
  torch::Tensor forward(const torch::Tensor& x) {
    std::vector<torch::Tensor> features{x};
    for (auto& layer : layers_) features.push_back(layer->forward(torch::cat(features, 1)));
    return torch::cat(features, 1);
  }

 private:
  std::vector<DenseLayer> layers_;
};
TORCH_MODULE(DenseBlock);

// torchvision's _Transition (norm, relu, conv, pool); the encoder calls its parts separately.
class TransitionImpl : public torch::nn::Module {
 public:
  TransitionImpl(int64_t in, int64_t out) {
    norm = register_module("norm", BatchNorm2d(in));
    register_module("relu", torch::nn::ReLU());
    conv = register_module("conv", Conv2d(Conv2dOptions(in, out, 1).bias(false)));
    pool = register_module("pool", torch::nn::AvgPool2d(torch::nn::AvgPool2dOptions(2).stride(2)));
  }
  torch::Tensor pre(const torch::Tensor& x) { return torch::relu(norm->forward(x)); }
  torch::Tensor post(const torch::Tensor& x) { return pool->forward(conv->forward(x)); }
  BatchNorm2d norm{nullptr};
  Conv2d conv{nullptr};
  torch::nn::AvgPool2d pool{nullptr};
};
TORCH_MODULE(Transition);

// Holds the `features.*` children under torchvision's names; never called as a whole.
class DenseFeaturesImpl : public torch::nn::Module {
 public:
  DenseFeaturesImpl(const DenseNetConfig& config) {
    conv0 = register_module("conv0", Conv2d(Conv2dOptions(3, config.num_init_features, 7).stride(2).padding(3).bias(false)));
    norm0 = register_module("norm0", BatchNorm2d(config.num_init_features));
    register_module("relu0", torch::nn::ReLU());
    pool0 = register_module("pool0", torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(3).stride(2).padding(1)));
    int64_t channels = config.num_init_features;
    for (size_t i = 0; i < config.block_config.size(); ++i) {
      blocks.push_back(register_module("denseblock" + std::to_string(i + 1),
                                       DenseBlock(config.block_config[i], channels, config.growth_rate, config.bn_size)));
      channels += config.block_config[i] * config.growth_rate;
      if (i + 1 != config.block_config.size()) {
        transitions.push_back(register_module("transition" + std::to_string(i + 1), Transition(channels, channels / 2)));
        channels /= 2;
      }
    }
    norm5 = register_module("norm5", BatchNorm2d(channels));
  }
  Conv2d conv0{nullptr};
  BatchNorm2d norm0{nullptr}, norm5{nullptr};
  torch::nn::MaxPool2d pool0{nullptr};
  std::vector<DenseBlock> blocks;
  std::vector<Transition> transitions;
};
TORCH_MODULE(DenseFeatures);

}  // namespace

DenseNetEncoderImpl::DenseNetEncoderImpl(const DenseNetConfig& config, std::vector<int64_t> out_channels, int depth)
    : EncoderImpl(std::move(out_channels), depth) {
  features_ = register_module("features", DenseFeatures(config));
  initialize_like_torchvision(*this, /*fan_out=*/false);
}

std::vector<torch::Tensor> DenseNetEncoderImpl::forward(torch::Tensor x) {
  auto& f = static_cast<DenseFeaturesImpl&>(*features_);
  std::vector<torch::Tensor> features{x};
  if (depth_ >= 1) {
    x = torch::relu(f.norm0->forward(f.conv0->forward(x)));
    features.push_back(x);
  }
  if (depth_ < 2) return features;
  x = f.pool0->forward(x);
  for (int stage = 0; stage < 4 && stage + 2 <= depth_; ++stage) {
    if (stage > 0) x = f.transitions[stage - 1]->post(x);
    x = f.blocks[stage]->forward(x);
    x = stage < 3 ? f.transitions[stage]->pre(x) : f.norm5->forward(x);
    features.push_back(x);
  }
  return features;
}

std::vector<EncoderSpec> densenet_encoders() {
  const auto spec = [](std::string name, std::vector<int64_t> channels, DenseNetConfig config) {
    return EncoderSpec{name, "densenet", channels, [config, channels](int depth) -> std::shared_ptr<EncoderImpl> {
                         return std::make_shared<DenseNetEncoderImpl>(config, channels, depth);
                       }};
  };
  return {
      spec("densenet121", {3, 64, 256, 512, 1024, 1024}, {64, 32, {6, 12, 24, 16}}),
      spec("densenet169", {3, 64, 256, 512, 1280, 1664}, {64, 32, {6, 12, 32, 32}}),
      spec("densenet201", {3, 64, 256, 512, 1792, 1920}, {64, 32, {6, 12, 48, 32}}),
      spec("densenet161", {3, 96, 384, 768, 2112, 2208}, {96, 48, {6, 12, 36, 24}}),
  };
}

}  // namespace segkit::encoders
