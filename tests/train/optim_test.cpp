#include <gtest/gtest.h>
#include <torch/torch.h>

#include <map>

#include "segkit/core/error.h"
#include "segkit/core/strings.h"
#include "segkit/train/optimizer_factory.h"
#include "segkit/train/optimizer_groups.h"
#include "tests/train/tiny_model.h"

namespace segkit::train {
namespace {

using config::json;

std::string optimizer_error(const json& section) {
  auto model = test::tiny_unet();
  try {
    build_optimizer(model, section);
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ConfigError for " << section.dump();
  return "";
}

// The group each named parameter landed in, found by tensor identity.
std::map<std::string, size_t> group_of_each(const models::SegmentationModel& model,
                                            const torch::optim::Optimizer& optimizer) {
  std::map<std::string, size_t> result;
  for (const auto& item : model->named_parameters()) {
    for (size_t g = 0; g < optimizer.param_groups().size(); ++g) {
      for (const auto& p : optimizer.param_groups()[g].params()) {
        if (p.unsafeGetTensorImpl() == item.value().unsafeGetTensorImpl()) result[item.key()] = g;
      }
    }
  }
  return result;
}

TEST(OptimizerFactory, GroupsFollowTheDocumentedOrderWithTheirRates) {
  auto model = test::tiny_unet();
  const json section = {{"name", "adamw"},       {"lr", 1e-3},       {"encoder_lr", 1e-4},
                        {"head_lr", 1e-2},       {"weight_decay", 0.05}, {"no_decay_on_norm_and_bias", true}};
  auto optimizer = build_optimizer(model, section);
  const auto names = param_group_names(model, section);
  ASSERT_EQ(names, (std::vector<std::string>{"encoder", "encoder_no_decay", "decoder", "decoder_no_decay", "head",
                                             "head_no_decay"}));
  ASSERT_EQ(optimizer->param_groups().size(), names.size());

  // Expected membership from the rule itself: part by name prefix, no-decay for biases and 1-D tensors.
  std::vector<size_t> expected_counts(6, 0);
  const auto groups = group_of_each(model, *optimizer);
  for (const auto& item : model->named_parameters()) {
    const std::string& name = item.key();
    size_t part = starts_with(name, "encoder.") ? 0 : 1;
    if (starts_with(name, "segmentation_head.") || starts_with(name, "classification_head.")) part = 2;
    const bool no_decay = ends_with(name, ".bias") || item.value().dim() <= 1;
    const size_t expected = 2 * part + (no_decay ? 1 : 0);
    ++expected_counts[expected];
    ASSERT_TRUE(groups.count(name)) << name << " is in no group";
    EXPECT_EQ(groups.at(name), expected) << name;
  }
  for (size_t g = 0; g < 6; ++g) {
    EXPECT_EQ(optimizer->param_groups()[g].params().size(), expected_counts[g]) << names[g];
    EXPECT_GT(expected_counts[g], 0u) << names[g];
  }
  EXPECT_EQ(groups.at("encoder.conv1.weight"), 0u);
  EXPECT_EQ(groups.at("encoder.bn1.weight"), 1u);
  EXPECT_EQ(groups.at("segmentation_head.0.bias"), 5u);

  const double lrs[] = {1e-4, 1e-4, 1e-3, 1e-3, 1e-2, 1e-2};
  const double decays[] = {0.05, 0, 0.05, 0, 0.05, 0};
  for (size_t g = 0; g < 6; ++g) {
    const auto& options = static_cast<const torch::optim::AdamWOptions&>(optimizer->param_groups()[g].options());
    EXPECT_DOUBLE_EQ(options.lr(), lrs[g]) << names[g];
    EXPECT_DOUBLE_EQ(group_lr(*optimizer, g), lrs[g]) << names[g];
    EXPECT_DOUBLE_EQ(options.weight_decay(), decays[g]) << names[g];
  }
}

// fastai-style layer groups by name prefix: the first matching group wins, every parameter must
// find one, and each group has its own rate.
TEST(OptimizerFactory, LayerGroupsByPrefixReplaceTheEncoderDecoderHeadSplit) {
  auto model = test::tiny_unet();
  const json section = json::parse(R"({"name": "adam", "lr": 1e-3, "betas": [0.9, 0.99], "groups": [
      {"name": "stem_layer1", "prefixes": ["encoder.conv1", "encoder.bn1", "encoder.layer1"], "lr": 1e-5},
      {"name": "rest_of_encoder", "prefixes": ["encoder"]},
      {"name": "decoder_head", "prefixes": ["decoder", "segmentation_head", "classification_head"], "lr": 5e-4}]})");
  auto optimizer = build_optimizer(model, section);
  EXPECT_EQ(param_group_names(model, section), (std::vector<std::string>{"stem_layer1", "rest_of_encoder", "decoder_head"}));
  const auto groups = group_of_each(model, *optimizer);
  EXPECT_EQ(groups.at("encoder.conv1.weight"), 0u);
  EXPECT_EQ(groups.at("encoder.layer1.0.conv1.weight"), 0u);
  EXPECT_EQ(groups.at("encoder.layer2.0.conv1.weight"), 1u);
  EXPECT_EQ(groups.at("segmentation_head.0.weight"), 2u);
  EXPECT_EQ(groups.size(), model->named_parameters().size());
  EXPECT_DOUBLE_EQ(group_lr(*optimizer, 0), 1e-5);
  EXPECT_DOUBLE_EQ(group_lr(*optimizer, 1), 1e-3);
  EXPECT_DOUBLE_EQ(group_lr(*optimizer, 2), 5e-4);
  const auto& adam = static_cast<const torch::optim::AdamOptions&>(optimizer->param_groups()[0].options());
  EXPECT_DOUBLE_EQ(std::get<1>(adam.betas()), 0.99);

  // "encoder.layer1" must not capture "encoder.layer10...": prefixes match whole components.
  auto error = optimizer_error(json::parse(R"({"groups": [{"name": "enc", "prefixes": ["encoder"]},
                                                          {"name": "dec", "prefixes": ["decode"]}]})"));
  EXPECT_NE(error.find("parameter 'decoder."), std::string::npos) << error;
  EXPECT_NE(error.find("is in no group"), std::string::npos) << error;
  error = optimizer_error(json::parse(R"({"encoder_lr": 1e-4, "groups": [{"prefixes": ["encoder", "decoder"]}]})"));
  EXPECT_NE(error.find("do not apply with 'groups'"), std::string::npos) << error;
  error = optimizer_error(json::parse(R"({"groups": [{"name": "a", "prefixes": []}]})"));
  EXPECT_NE(error.find("prefixes must be a non-empty list"), std::string::npos) << error;
}

TEST(OptimizerFactory, DefaultsAreAdamWithoutSplitAndAdamwDecays) {
  auto model = test::tiny_unet(/*classification_head=*/false);
  auto adam = build_optimizer(model, nullptr);
  ASSERT_NE(dynamic_cast<torch::optim::Adam*>(adam.get()), nullptr);
  EXPECT_EQ(param_group_names(model, nullptr), (std::vector<std::string>{"encoder", "decoder", "head"}));
  size_t total = 0;
  for (const auto& group : adam->param_groups()) {
    const auto& options = static_cast<const torch::optim::AdamOptions&>(group.options());
    EXPECT_DOUBLE_EQ(options.lr(), 1e-3);
    EXPECT_DOUBLE_EQ(options.weight_decay(), 0.0);
    EXPECT_DOUBLE_EQ(std::get<0>(options.betas()), 0.9);
    EXPECT_DOUBLE_EQ(std::get<1>(options.betas()), 0.999);
    EXPECT_DOUBLE_EQ(options.eps(), 1e-8);
    total += group.params().size();
  }
  EXPECT_EQ(total, model->parameters().size());

  auto adamw = build_optimizer(model, {{"name", "adamw"}});
  ASSERT_NE(dynamic_cast<torch::optim::AdamW*>(adamw.get()), nullptr);
  EXPECT_DOUBLE_EQ(static_cast<const torch::optim::AdamWOptions&>(adamw->param_groups()[0].options()).weight_decay(),
                   1e-2);
}

TEST(OptimizerFactory, SgdStepMatchesManualUpdateWithGroupRates) {
  auto model = test::tiny_unet();
  model->train();
  const json section = {{"name", "sgd"}, {"encoder_lr", 0.1}, {"decoder_lr", 0.01}, {"head_lr", 0.5},
                        {"weight_decay", 1e-3}, {"momentum", 0.9}};
  auto optimizer = build_optimizer(model, section);
  ASSERT_EQ(optimizer->param_groups().size(), 3u);
  const double lrs[] = {0.1, 0.01, 0.5};

  // Step 1: the momentum buffer starts as the (decayed) gradient: p -= lr * (g + wd * p).
  // Parameters without a gradient (resnet18's layer3/layer4 at encoder_depth 3) must not move.
  test::backward_once(model, 1);
  std::vector<std::vector<torch::Tensor>> before(3), buffers(3);
  for (size_t g = 0; g < 3; ++g) {
    for (const auto& p : optimizer->param_groups()[g].params()) {
      before[g].push_back(p.detach().clone());
      const auto grad = p.grad().defined() ? p.grad().detach() : torch::Tensor();
      buffers[g].push_back(grad.defined() ? grad + 1e-3 * p.detach() : torch::zeros_like(p));
    }
  }
  optimizer->step();
  for (size_t g = 0; g < 3; ++g) {
    const auto& params = optimizer->param_groups()[g].params();
    for (size_t i = 0; i < params.size(); ++i) {
      const auto expected = before[g][i] - lrs[g] * buffers[g][i];
      ASSERT_TRUE(torch::allclose(params[i], expected, 1e-5, 1e-7)) << "group " << g << " param " << i;
    }
  }
  // Step 2: buf = 0.9 * buf + (g + wd * p); p -= lr * buf.
  optimizer->zero_grad();
  test::backward_once(model, 2);
  for (size_t g = 0; g < 3; ++g) {
    const auto& params = optimizer->param_groups()[g].params();
    for (size_t i = 0; i < params.size(); ++i) {
      before[g][i] = params[i].detach().clone();
      if (params[i].grad().defined()) {
        buffers[g][i] = 0.9 * buffers[g][i] + params[i].grad().detach() + 1e-3 * params[i].detach();
      }
    }
  }
  optimizer->step();
  for (size_t g = 0; g < 3; ++g) {
    const auto& params = optimizer->param_groups()[g].params();
    for (size_t i = 0; i < params.size(); ++i) {
      ASSERT_TRUE(torch::allclose(params[i], before[g][i] - lrs[g] * buffers[g][i], 1e-5, 1e-7))
          << "group " << g << " param " << i;
    }
  }
}

TEST(OptimizerFactory, AdamwFirstStepUsesEachGroupsRateAndDecay) {
  auto model = test::tiny_unet();
  model->train();
  const json section = {{"name", "adamw"}, {"encoder_lr", 1e-3}, {"decoder_lr", 2e-3}, {"head_lr", 5e-3},
                        {"weight_decay", 0.1}, {"no_decay_on_norm_and_bias", true}};
  auto optimizer = build_optimizer(model, section);
  test::backward_once(model);
  std::vector<std::vector<torch::Tensor>> expected(optimizer->param_groups().size());
  for (size_t g = 0; g < expected.size(); ++g) {
    const auto& options = static_cast<const torch::optim::AdamWOptions&>(optimizer->param_groups()[g].options());
    const double lr = options.lr(), decay = options.weight_decay();
    for (const auto& p : optimizer->param_groups()[g].params()) {
      if (!p.grad().defined()) {  // skipped by the optimiser, decay included
        expected[g].push_back(p.detach().clone());
        continue;
      }
      // Decoupled decay, then Adam's first step: m_hat / (sqrt(v_hat) + eps) = g / (|g| + eps).
      const auto grad = p.grad().detach();
      expected[g].push_back(p.detach() * (1 - lr * decay) - lr * grad / (grad.abs() + 1e-8));
    }
  }
  optimizer->step();
  for (size_t g = 0; g < expected.size(); ++g) {
    const auto& params = optimizer->param_groups()[g].params();
    for (size_t i = 0; i < params.size(); ++i) {
      ASSERT_TRUE(torch::allclose(params[i], expected[g][i], 1e-5, 1e-7)) << "group " << g << " param " << i;
    }
  }
}

TEST(OptimizerFactory, GroupHelpersWorkForEveryOptimiserType) {
  auto model = test::tiny_unet();
  for (const std::string name : {"adam", "adamw", "sgd"}) {
    auto optimizer = build_optimizer(model, {{"name", name}, {"lr", 0.01}});
    EXPECT_DOUBLE_EQ(group_lr(*optimizer, 1), 0.01) << name;
    set_group_lr(*optimizer, 1, 0.02);
    EXPECT_DOUBLE_EQ(group_lr(*optimizer, 1), 0.02) << name;
    EXPECT_DOUBLE_EQ(group_lr(*optimizer, 0), 0.01) << name;
    EXPECT_DOUBLE_EQ(*group_momentum(*optimizer, 0), 0.9) << name;  // beta1 or SGD momentum
    EXPECT_TRUE(set_group_momentum(*optimizer, 0, 0.85));
    EXPECT_DOUBLE_EQ(*group_momentum(*optimizer, 0), 0.85) << name;
    EXPECT_THROW(group_lr(*optimizer, 9), std::out_of_range);
  }
}

TEST(OptimizerFactory, ConfigErrorsNameTheKeyAndSuggestTheFix) {
  EXPECT_NE(optimizer_error({{"nmae", "adam"}}).find("did you mean 'name'"), std::string::npos);
  EXPECT_NE(optimizer_error({{"name", "adamm"}}).find("did you mean 'adam'"), std::string::npos);
  EXPECT_NE(optimizer_error({{"encoder_lrr", 1e-4}}).find("did you mean 'encoder_lr'"), std::string::npos);
  const std::string momentum = optimizer_error({{"name", "adam"}, {"momentum", 0.9}});
  EXPECT_NE(momentum.find("no key 'momentum'"), std::string::npos) << momentum;
  EXPECT_NE(momentum.find("betas"), std::string::npos) << momentum;
  EXPECT_NE(optimizer_error({{"lr", "fast"}}).find("'lr' must be a number"), std::string::npos);
  EXPECT_NE(optimizer_error({{"betas", {0.9}}}).find("list of 2 numbers"), std::string::npos);
  EXPECT_NE(optimizer_error({{"lr", -1}}).find(">= 0"), std::string::npos);
  EXPECT_NE(optimizer_error({{"name", "sgd"}, {"nesterov", true}, {"dampening", 0.1}}).find("nesterov"),
            std::string::npos);
  EXPECT_NE(optimizer_error(json::array()).find("mapping"), std::string::npos);
}

}  // namespace
}  // namespace segkit::train
