// Every case of ../shared/parity: state_dict names and shapes in SMP's order, eval output, aux output,
// train-mode output and running statistics, at the README's tolerance.

#include "segkit/models/parity.h"

#include <gtest/gtest.h>

#include <torch/torch.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "segkit/core/atomic_file.h"
#include "segkit/models/model_registry.h"
#include "tests/support/test_support.h"

namespace segkit::models {
namespace {

class ParityCase : public ::testing::TestWithParam<std::string> {};

TEST_P(ParityCase, MatchesSmp) {
  SEGKIT_REQUIRE_SHARED(shared);
  const auto report = run_parity_case(shared / "parity" / (GetParam() + ".json"));
  EXPECT_TRUE(report.passed()) << report.summary();
  EXPECT_GE(report.checks.size(), 2u) << report.summary();
}

INSTANTIATE_TEST_SUITE_P(Shared, ParityCase,
                         ::testing::Values("unet_resnet34", "unet_resnet18_scse", "fpn_resnet34", "pspnet_resnet34",
                                           "unet_resnet34_aux", "unet_efficientnet-b0", "fpn_densenet121",
                                           "linknet_resnet18"),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(ParityIndex, EveryListedCaseIsTested) {
  SEGKIT_REQUIRE_SHARED(shared);
  const auto index = nlohmann::json::parse(read_file(shared / "parity/index.json"));
  EXPECT_EQ(index.at("cases").size(), 8u) << "a new parity case appeared: add it to ParityCase";
}

TEST(FillRecipe, MatchesSpotcheckChecksums) {
  SEGKIT_REQUIRE_SHARED(shared);
  // recipe_spotcheck.tsv: case, name, shape, h, fan_in, float64 sum, first4.
  std::ifstream in(shared / "parity/recipe_spotcheck.tsv");
  std::string header;
  std::getline(in, header);
  std::string line;
  std::getline(in, line);  // encoder.conv1.weight of unet_resnet34
  auto model = create_model({{"arch", "unet"}, {"encoder_name", "resnet34"}, {"classes", 4}});
  fill_segkit_v1(*model);
  auto weight = model->encoder().named_parameters()["conv1.weight"];
  EXPECT_NEAR(weight.to(torch::kDouble).sum().item<double>(), 0.3499401463268441, 1e-9);
  EXPECT_FLOAT_EQ(weight.flatten()[0].item<float>(), -0.16482697427272797f);
}

}  // namespace
}  // namespace segkit::models
