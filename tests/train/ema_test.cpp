#include <gtest/gtest.h>
#include <torch/torch.h>

#include "segkit/core/error.h"
#include "segkit/nn/batchnorm.h"
#include "segkit/nn/state_dict.h"
#include "segkit/train/batchnorm_control.h"
#include "segkit/train/ema.h"
#include "segkit/train/optimizer_factory.h"
#include "tests/support/test_support.h"
#include "tests/train/tiny_model.h"

namespace segkit::train {
namespace {

// A parameter and both kinds of buffer, under a child, so names have a dot.
struct EmaToyImpl : torch::nn::Module {
  EmaToyImpl() {
    weight = register_parameter("weight", torch::tensor({1.0, 2.0}));
    norm = register_module("norm", nn::BatchNorm2d(2));
  }
  torch::Tensor weight;
  nn::BatchNorm2d norm{nullptr};
};
TORCH_MODULE(EmaToy);

void fill_toy(EmaToy& toy, double weight, double mean, int64_t count) {
  torch::NoGradGuard no_grad;
  toy->weight.fill_(weight);
  toy->norm->weight.fill_(weight);
  toy->norm->running_mean.fill_(mean);
  toy->norm->num_batches_tracked.fill_(count);
}

std::map<std::string, torch::Tensor> state_snapshot(const torch::nn::Module& module) {
  std::map<std::string, torch::Tensor> result;
  for (const auto& [name, tensor] : nn::state_dict(module)) result[name] = tensor.detach().clone();
  return result;
}

TEST(ModelEma, UpdateAveragesParametersAndCopiesBuffers) {
  EmaToy toy;
  fill_toy(toy, 1.0, 0.0, 0);
  ModelEma ema(*toy, {/*decay=*/0.9});
  EXPECT_EQ(ema.tensors().front().first, "weight");
  fill_toy(toy, 2.0, 4.0, 7);
  ema.update(*toy);
  const auto& t = ema.tensors();
  const auto at = [&](const std::string& name) {
    for (const auto& [key, value] : t) {
      if (key == name) return value;
    }
    ADD_FAILURE() << name;
    return torch::Tensor();
  };
  EXPECT_TRUE(torch::allclose(at("weight"), torch::full({2}, 0.9 * 1.0 + 0.1 * 2.0)));
  EXPECT_TRUE(torch::allclose(at("norm.weight"), torch::full({2}, 1.1)));
  EXPECT_TRUE(torch::equal(at("norm.running_mean"), torch::full({2}, 4.0)));  // copied
  EXPECT_EQ(at("norm.num_batches_tracked").item<int64_t>(), 7);
  fill_toy(toy, 3.0, 0.0, 8);
  ema.update(*toy);
  EXPECT_TRUE(torch::allclose(at("weight"), torch::full({2}, 0.9 * 1.1 + 0.1 * 3.0)));

  // average_buffers: ModelEmaV2's whole-state_dict average for floating buffers; counters copied.
  fill_toy(toy, 1.0, 0.0, 0);
  ModelEma averaged(*toy, {0.75, /*average_buffers=*/true});
  fill_toy(toy, 1.0, 4.0, 3);
  averaged.update(*toy);
  for (const auto& [name, value] : averaged.tensors()) {
    if (name == "norm.running_mean") {
      EXPECT_TRUE(torch::allclose(value, torch::full({2}, 1.0))) << name;
    }
    if (name == "norm.num_batches_tracked") {
      EXPECT_EQ(value.item<int64_t>(), 3);
    }
  }
}

TEST(ModelEma, CopyToSwapAndSetMoveWeightsExactly) {
  EmaToy toy, other;
  fill_toy(toy, 1.0, 1.0, 1);
  ModelEma ema(*toy, {0.5});
  fill_toy(toy, 3.0, 3.0, 3);
  ema.update(*toy);  // weight 2, running_mean 3 (copied)
  ema.copy_to(*other);
  EXPECT_TRUE(torch::equal(other->weight, torch::full({2}, 2.0)));
  ema.swap(*toy);
  EXPECT_TRUE(torch::equal(toy->weight, torch::full({2}, 2.0)));
  ema.swap(*toy);
  EXPECT_TRUE(torch::equal(toy->weight, torch::full({2}, 3.0)));
  EXPECT_TRUE(torch::equal(ema.tensors().front().second, torch::full({2}, 2.0)));
  ema.set(*toy);
  EXPECT_TRUE(torch::equal(ema.tensors().front().second, torch::full({2}, 3.0)));
  EXPECT_THROW(ema.copy_to(*test::tiny_unet()), ShapeError);
}

TEST(ModelEma, ArchiveRoundTripAndTorchLoadIntoAModel) {
  auto model = test::tiny_unet();
  ModelEma ema(*model, {0.9});
  {
    torch::NoGradGuard no_grad;
    for (auto& p : model->parameters()) p.add_(1.0);
  }
  ema.update(*model);
  segkit::test::TempDir dir;
  const std::string file = (dir / "ema.pt").string();
  torch::serialize::OutputArchive out;
  ema.save(out);
  out.save_to(file);

  auto fresh = test::tiny_unet();
  {
    torch::NoGradGuard no_grad;
    for (auto& p : fresh->parameters()) p.mul_(0);
  }
  ModelEma restored(*fresh);
  torch::serialize::InputArchive in;
  in.load_from(file);
  restored.load(in);
  ASSERT_EQ(restored.tensors().size(), ema.tensors().size());
  for (size_t i = 0; i < ema.tensors().size(); ++i) {
    EXPECT_TRUE(torch::equal(restored.tensors()[i].second, ema.tensors()[i].second)) << ema.tensors()[i].first;
  }
  // The layout is Module::save's: torch::load reads it straight into a model.
  torch::load(fresh, file);
  const auto weights = nn::state_dict(*fresh);
  for (size_t i = 0; i < weights.size(); ++i) {
    EXPECT_TRUE(torch::equal(weights[i].second, ema.tensors()[i].second)) << weights[i].first;
  }
}

// Every BatchNorm2d of a module.
std::vector<nn::BatchNorm2dImpl*> batchnorms_of(torch::nn::Module& module) {
  std::vector<nn::BatchNorm2dImpl*> result;
  for (const auto& child : module.modules()) {
    if (auto* norm = child->as<nn::BatchNorm2dImpl>()) result.push_back(norm);
  }
  return result;
}

TEST(BatchNormFreeze, FreezeKeepsEncoderWeightsAndStatisticsThroughATrainingStep) {
  auto model = test::tiny_unet();
  model->train();
  auto optimizer = build_optimizer(model, {{"name", "adam"}, {"lr", 1e-2}});
  // One unfrozen step first, so Adam has momentum for the encoder and grads exist to be dropped.
  test::backward_once(model, 1);
  optimizer->step();
  optimizer->zero_grad();

  freeze_module(model->encoder(), true);
  model->train();  // must not wake the frozen norms
  for (auto* norm : batchnorms_of(model->encoder())) {
    EXPECT_TRUE(norm->frozen());
    EXPECT_FALSE(norm->is_training());
  }
  const auto encoder_before = state_snapshot(model->encoder());
  const auto model_before = state_snapshot(*model);
  test::backward_once(model, 2);
  optimizer->step();

  for (const auto& [name, tensor] : state_snapshot(model->encoder())) {
    EXPECT_TRUE(torch::equal(tensor, encoder_before.at(name))) << "encoder." << name << " changed";
  }
  size_t decoder_changed = 0;
  for (const auto& [name, tensor] : state_snapshot(*model)) {
    if (name.rfind("decoder.", 0) == 0 && !torch::equal(tensor, model_before.at(name))) ++decoder_changed;
  }
  EXPECT_GT(decoder_changed, 10u);
  const std::string decoder_mean = "decoder.blocks.0.conv1.1.running_mean";
  EXPECT_FALSE(torch::equal(state_snapshot(*model).at(decoder_mean), model_before.at(decoder_mean)));

  // Unfrozen: the norms follow the model's mode and the encoder trains again.
  freeze_module(model->encoder(), false);
  for (auto* norm : batchnorms_of(model->encoder())) EXPECT_TRUE(norm->is_training());
  optimizer->zero_grad();
  test::backward_once(model, 3);
  optimizer->step();
  const auto encoder_after = state_snapshot(model->encoder());
  EXPECT_FALSE(torch::equal(encoder_after.at("conv1.weight"), encoder_before.at("conv1.weight")));
  EXPECT_FALSE(torch::equal(encoder_after.at("bn1.running_mean"), encoder_before.at("bn1.running_mean")));
}

// fastai's train_bn: a frozen encoder's convolutions stay fixed while its BatchNorm layers train.
TEST(BatchNormFreeze, TrainBnKeepsTheFrozenEncodersNormsTraining) {
  auto model = test::tiny_unet();
  auto optimizer = build_optimizer(model, {{"name", "adam"}, {"lr", 1e-2}});
  freeze_module(model->encoder(), true, /*train_bn=*/true);
  model->train();
  for (auto* norm : batchnorms_of(model->encoder())) EXPECT_TRUE(!norm->frozen() && norm->is_training());
  const auto before = state_snapshot(model->encoder());
  test::backward_once(model, 2);
  optimizer->step();
  const auto after = state_snapshot(model->encoder());
  EXPECT_TRUE(torch::equal(after.at("conv1.weight"), before.at("conv1.weight")));
  EXPECT_FALSE(torch::equal(after.at("bn1.weight"), before.at("bn1.weight")));
  EXPECT_FALSE(torch::equal(after.at("bn1.running_mean"), before.at("bn1.running_mean")));
}

TEST(BatchNormFreeze, SegmentationModelFreezeEncoderUsesTheFlag) {
  auto model = test::tiny_unet();
  model->freeze_encoder();
  model->train();
  for (auto* norm : batchnorms_of(model->encoder())) EXPECT_TRUE(norm->frozen() && !norm->is_training());
  for (const auto& p : model->encoder().parameters()) EXPECT_FALSE(p.requires_grad());
  for (auto* norm : batchnorms_of(*model->named_children()["decoder"])) EXPECT_TRUE(norm->is_training());  // decoder
  model->unfreeze_encoder();
  for (auto* norm : batchnorms_of(model->encoder())) EXPECT_TRUE(!norm->frozen() && norm->is_training());
  model->eval();
  for (auto* norm : batchnorms_of(model->encoder())) EXPECT_FALSE(norm->is_training());
}

TEST(BatchNormFreeze, MomentumReachesEveryLayer) {
  auto model = test::tiny_unet();
  const int changed = set_batchnorm_momentum(*model, 0.01);
  const auto norms = batchnorms_of(*model);
  EXPECT_EQ(changed, static_cast<int>(norms.size()));
  for (auto* norm : norms) EXPECT_DOUBLE_EQ(*norm->options.momentum(), 0.01);
  EXPECT_THROW(set_batchnorm_momentum(*model, 1.5), ConfigError);
}

}  // namespace
}  // namespace segkit::train
