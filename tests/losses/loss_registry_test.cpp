// The loss registry: names, config errors that propose the fix, and a gradient through every loss.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <set>

#include "segkit/losses/losses.h"

namespace segkit::losses {
namespace {

std::string error_of(const json& config) {
  try {
    build_loss(config);
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ConfigError for " << config.dump();
  return "";
}

void expect_contains(const std::string& text, const std::string& part) {
  EXPECT_NE(text.find(part), std::string::npos) << "'" << part << "' not in: " << text;
}

TEST(LossRegistry, NamesAreUnique) {
  std::set<std::string> names;
  for (const auto& spec : loss_specs()) EXPECT_TRUE(names.insert(spec.name).second) << spec.name;
  EXPECT_GE(names.size(), 14u);
}

TEST(LossRegistry, ConfigErrorsNameTheFix) {
  expect_contains(error_of({{"name", "dicee"}}), "did you mean 'dice'");
  expect_contains(error_of({{"name", "dice"}, {"smoth", 1.0}}), "did you mean 'smooth'");
  expect_contains(error_of({{"name", "dice"}, {"mode", "multilable"}}), "did you mean 'multilabel'");
  expect_contains(error_of({{"name", "dice"}, {"smooth", "big"}}), "'smooth' has the wrong type");
  expect_contains(error_of({{"name", "bce_dice"}, {"dice", "dise"}}), "did you mean 'dice'");
  expect_contains(error_of({{"name", "focal"}, {"alpha", 2.0}}), "alpha must be in [0, 1]");
  expect_contains(error_of({{"name", "dice"}, {"mode", "binary"}, {"class_weights", {1, 2}}}),
                  "not supported with mode binary");
  expect_contains(error_of({{"mode", "binary"}}), "needs a 'name'");
  expect_contains(error_of({{"name", "sum"}}), "'terms'");
  // A typo inside a term is reported against that term.
  expect_contains(error_of({{"name", "sum"}, {"terms", {{{"name", "focal"}, {"gama", 2}}}}}),
                  "did you mean 'gamma'");
}

TEST(LossRegistry, SumPassesModeAndClassWeightsToItsTerms) {
  auto loss = build_loss({{"name", "sum"},
                          {"mode", "multilabel"},
                          {"class_weights", {1.0, 3.0}},
                          {"terms", {{{"name", "bce"}, {"weight", 0.75}}, {{"name", "lovasz"}, {"weight", 0.25}}}}});
  auto sum = std::dynamic_pointer_cast<WeightedSumLoss>(loss);
  ASSERT_TRUE(sum);
  ASSERT_EQ(sum->terms().size(), 2u);
  EXPECT_EQ(sum->terms()[0].second, 0.75);
  torch::manual_seed(0);
  auto logits = torch::randn({2, 2, 4, 4});
  auto masks = (torch::rand({2, 2, 4, 4}) > 0.5).to(torch::kFloat);
  auto bce = build_loss({{"name", "bce"}, {"class_weights", {1.0, 3.0}}})->forward(logits, masks);
  auto lovasz = build_loss("lovasz")->forward(logits, masks);
  EXPECT_NEAR(loss->forward(logits, masks).item<double>(), (0.75 * bce + 0.25 * lovasz).item<double>(), 1e-6);
}

TEST(LossRegistry, BceDiceIsTheWeightedSumOfItsTerms) {
  torch::manual_seed(1);
  auto logits = torch::randn({2, 3, 4, 4});
  auto masks = (torch::rand({2, 3, 4, 4}) > 0.5).to(torch::kFloat);
  auto total = build_loss({{"name", "bce_dice"}, {"weights", {2.7, 0.7}}, {"dice", "dice"}})->forward(logits, masks);
  auto expected = 2.7 * build_loss("bce")->forward(logits, masks) + 0.7 * build_loss("dice")->forward(logits, masks);
  EXPECT_NEAR(total.item<double>(), expected.item<double>(), 1e-6);
}

// Every registered loss builds from its name alone (or with the mode it needs) and backpropagates.
class LossGradient : public ::testing::TestWithParam<std::string> {};

TEST_P(LossGradient, BackwardReachesLogits) {
  const std::string name = GetParam();
  const bool class_indices = name == "cross_entropy" || name == "soft_ce";
  torch::manual_seed(7);
  auto logits = torch::randn({2, 3, 8, 8}, torch::requires_grad());
  torch::Tensor target = class_indices ? torch::randint(0, 3, {2, 8, 8}, torch::kLong)
                                       : (torch::rand({2, 3, 8, 8}) > 0.6).to(torch::kFloat);
  json config = {{"name", name}};
  if (name == "sum") config["terms"] = {{{"name", "focal"}}, {{"name", "jaccard"}}};
  auto loss = build_loss(config);
  EXPECT_EQ(loss->name(), name);
  auto value = loss->forward(logits, target);
  ASSERT_EQ(value.dim(), 0) << name;
  EXPECT_TRUE(std::isfinite(value.item<double>())) << name;
  value.backward();
  ASSERT_TRUE(logits.grad().defined()) << name;
  EXPECT_TRUE(torch::isfinite(logits.grad()).all().item<bool>()) << name;
  EXPECT_GT(logits.grad().abs().sum().item<double>(), 0) << name;
}

INSTANTIATE_TEST_SUITE_P(Registry, LossGradient, ::testing::ValuesIn(loss_names()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace segkit::losses
