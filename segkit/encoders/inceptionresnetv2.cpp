#include "segkit/encoders/inceptionresnetv2.h"

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>

#include "segkit/nn/conv2d_relu.h"
#include "segkit/nn/batchnorm.h"

namespace segkit::encoders {
namespace {

using torch::nn::Conv2d;
using torch::nn::Conv2dOptions;
using Kernel = torch::ExpandingArray<2>;

// pretrainedmodels' BasicConv2d (conv, bn eps 1e-3, relu) with SMP's padding patch for 3x3 kernels.
class BasicConv2dImpl : public torch::nn::Module {
 public:
  BasicConv2dImpl(int64_t in, int64_t out, Kernel kernel, int64_t stride = 1, Kernel padding = Kernel(0)) {
    if ((*kernel)[0] == 3 && (*kernel)[1] == 3) padding = Kernel(1);
    conv_ = register_module("conv", Conv2d(Conv2dOptions(in, out, kernel).stride(stride).padding(padding).bias(false)));
    bn_ = register_module("bn", nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(out).eps(1e-3)));
  }
  torch::Tensor forward(const torch::Tensor& x) { return torch::relu(bn_->forward(conv_->forward(x))); }

 private:
  Conv2d conv_{nullptr};
  nn::BatchNorm2d bn_{nullptr};
};
TORCH_MODULE(BasicConv2d);

BasicConv2d basic(int64_t in, int64_t out, Kernel kernel, int64_t stride = 1, Kernel padding = Kernel(0)) {
  return BasicConv2d(in, out, kernel, stride, padding);
}

torch::nn::MaxPool2d max_pool() {
  return torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(3).stride(2).padding(1));
}

template <typename... Modules>
nn::SequentialBlock chain(Modules&&... modules) {
  return nn::SequentialBlock(std::forward<Modules>(modules)...);
}

// A block of parallel branches whose outputs are concatenated on channels.
class BranchesImpl : public torch::nn::Module {
 public:
  void add(const std::string& name, torch::nn::AnyModule branch, std::shared_ptr<torch::nn::Module> module) {
    register_module(name, std::move(module));
    branches_.push_back(std::move(branch));
  }
  torch::Tensor concat(const torch::Tensor& x) {
    std::vector<torch::Tensor> outputs;
    for (auto& branch : branches_) outputs.push_back(branch.forward(x));
    return torch::cat(outputs, 1);
  }

 private:
  std::vector<torch::nn::AnyModule> branches_;
};

template <typename Holder>
void add_branch(BranchesImpl& block, const std::string& name, Holder branch) {
  block.add(name, torch::nn::AnyModule(branch), branch.ptr());
}

class MixedImpl : public BranchesImpl {
 public:
  torch::Tensor forward(const torch::Tensor& x) { return concat(x); }
};
TORCH_MODULE(Mixed);

// Block35 / Block17 / Block8: branches, 1x1 conv (with bias) back to the input width, scaled residual.
class ResidualBlockImpl : public BranchesImpl {
 public:
  ResidualBlockImpl(int64_t concat_channels, int64_t channels, double scale, bool relu)
      : scale_(scale), relu_(relu) {
    conv2d_ = Conv2d(Conv2dOptions(concat_channels, channels, 1));
  }
  void finish() { register_module("conv2d", conv2d_); }
  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor out = conv2d_->forward(concat(x)) * scale_ + x;
    return relu_ ? torch::relu(out) : out;
  }

 private:
  double scale_;
  bool relu_;
  Conv2d conv2d_{nullptr};
};
TORCH_MODULE(ResidualBlock);

Mixed mixed_5b() {
  Mixed block;
  add_branch(*block, "branch0", basic(192, 96, 1));
  add_branch(*block, "branch1", chain(basic(192, 48, 1), basic(48, 64, 5, 1, 2)));
  add_branch(*block, "branch2", chain(basic(192, 64, 1), basic(64, 96, 3, 1, 1), basic(96, 96, 3, 1, 1)));
  add_branch(*block, "branch3",
             chain(torch::nn::AvgPool2d(torch::nn::AvgPool2dOptions(3).stride(1).padding(1).count_include_pad(false)),
                   basic(192, 64, 1)));
  return block;
}

ResidualBlock block35() {
  ResidualBlock block(128, 320, 0.17, true);
  add_branch(*block, "branch0", basic(320, 32, 1));
  add_branch(*block, "branch1", chain(basic(320, 32, 1), basic(32, 32, 3, 1, 1)));
  add_branch(*block, "branch2", chain(basic(320, 32, 1), basic(32, 48, 3, 1, 1), basic(48, 64, 3, 1, 1)));
  block->finish();
  return block;
}

Mixed mixed_6a() {
  Mixed block;
  add_branch(*block, "branch0", basic(320, 384, 3, 2));
  add_branch(*block, "branch1", chain(basic(320, 256, 1), basic(256, 256, 3, 1, 1), basic(256, 384, 3, 2)));
  add_branch(*block, "branch2", max_pool());
  return block;
}

ResidualBlock block17() {
  ResidualBlock block(384, 1088, 0.10, true);
  add_branch(*block, "branch0", basic(1088, 192, 1));
  add_branch(*block, "branch1", chain(basic(1088, 128, 1), basic(128, 160, Kernel({1, 7}), 1, Kernel({0, 3})),
                                      basic(160, 192, Kernel({7, 1}), 1, Kernel({3, 0}))));
  block->finish();
  return block;
}

Mixed mixed_7a() {
  Mixed block;
  add_branch(*block, "branch0", chain(basic(1088, 256, 1), basic(256, 384, 3, 2)));
  add_branch(*block, "branch1", chain(basic(1088, 256, 1), basic(256, 288, 3, 2)));
  add_branch(*block, "branch2", chain(basic(1088, 256, 1), basic(256, 288, 3, 1, 1), basic(288, 320, 3, 2)));
  add_branch(*block, "branch3", max_pool());
  return block;
}

ResidualBlock block8(double scale, bool relu) {
  ResidualBlock block(448, 2080, scale, relu);
  add_branch(*block, "branch0", basic(2080, 192, 1));
  add_branch(*block, "branch1", chain(basic(2080, 192, 1), basic(192, 224, Kernel({1, 3}), 1, Kernel({0, 1})),
                                      basic(224, 256, Kernel({3, 1}), 1, Kernel({1, 0}))));
  block->finish();
  return block;
}

template <typename Make>
nn::SequentialBlock repeat(int count, Make make) {
  nn::SequentialBlock blocks;
  for (int i = 0; i < count; ++i) blocks->push_back(make());
  return blocks;
}

}  // namespace

InceptionResNetV2EncoderImpl::InceptionResNetV2EncoderImpl(std::vector<int64_t> out_channels, int depth)
    : EncoderImpl(std::move(out_channels), depth) {
  // Registered one by one under pretrainedmodels' names; the Sequentials below only group them by
  // output feature for forward().
  const auto add = [this](torch::nn::Sequential& stage, const std::string& name, auto module) {
    register_module(name, module);
    stage->push_back(module);
  };
  add(stem1_, "conv2d_1a", basic(3, 32, 3, 2));
  add(stem1_, "conv2d_2a", basic(32, 32, 3));
  add(stem1_, "conv2d_2b", basic(32, 64, 3, 1, 1));
  add(stem2_, "maxpool_3a", max_pool());
  add(stem2_, "conv2d_3b", basic(64, 80, 1));
  add(stem2_, "conv2d_4a", basic(80, 192, 3));
  add(stage3_, "maxpool_5a", max_pool());
  add(stage3_, "mixed_5b", mixed_5b());
  add(stage3_, "repeat", repeat(10, block35));
  add(stage4_, "mixed_6a", mixed_6a());
  add(stage4_, "repeat_1", repeat(20, block17));
  add(stage5_, "mixed_7a", mixed_7a());
  add(stage5_, "repeat_2", repeat(9, [] { return block8(0.20, true); }));
  add(stage5_, "block8", block8(1.0, false));
  add(stage5_, "conv2d_7b", basic(2080, 1536, 1));
}

std::vector<torch::Tensor> InceptionResNetV2EncoderImpl::forward(torch::Tensor x) {
  std::vector<torch::Tensor> features{x};
  torch::nn::Sequential* stages[] = {&stem1_, &stem2_, &stage3_, &stage4_, &stage5_};
  for (int i = 0; i < depth_; ++i) features.push_back(x = (*stages[i])->forward(x));
  return features;
}

std::vector<EncoderSpec> inceptionresnetv2_encoders() {
  const std::vector<int64_t> channels = {3, 64, 192, 320, 1088, 1536};
  return {EncoderSpec{"inceptionresnetv2", "inceptionresnetv2", channels,
                      [channels](int depth) -> std::shared_ptr<EncoderImpl> {
                        return std::make_shared<InceptionResNetV2EncoderImpl>(channels, depth);
                      }}};
}

}  // namespace segkit::encoders
