// What works for the classic encoders works for the timm-derived ones (issue 22): another input
// channel count, a shallower depth, a classification head, training (every parameter gets a
// gradient), hub save/load, freezing, and the inference copy (BatchNorm folded where there is
// BatchNorm, channels-last).

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "segkit/core/error.h"
#include "segkit/models/hub_format.h"
#include "segkit/models/inference_copy.h"
#include "segkit/models/model_registry.h"
#include "segkit/models/parity.h"
#include "tests/support/test_support.h"

namespace segkit::models {
namespace {

struct ModernCase {
  std::string arch, encoder;
  int depth = 4;  // FPN is built for depth 5 (at 4 its output is twice the input, as in SMP)
};

void PrintTo(const ModernCase& c, std::ostream* os) { *os << c.arch << "/" << c.encoder; }

class ModernEncoder : public ::testing::TestWithParam<ModernCase> {};

TEST_P(ModernEncoder, TrainsSavesFreezesAndFolds) {
  torch::manual_seed(0);
  json arguments = {{"arch", GetParam().arch}, {"encoder_name", GetParam().encoder}, {"encoder_depth", GetParam().depth},
                     {"in_channels", 1}, {"classes", 2}, {"aux_params", {{"classes", 2}}}};
  if (GetParam().arch == "unet") arguments["decoder_channels"] = {64, 32, 16, 8};
  auto model = create_model(arguments);
  model->train();
  const auto out = model->forward_with_aux(torch::randn({2, 1, 64, 64}));
  ASSERT_EQ(out.masks.sizes(), (std::vector<int64_t>{2, 2, 64, 64}));
  (out.masks.square().mean() + out.labels.square().mean()).backward();
  for (const auto& p : model->named_parameters()) {
    // The stride-2 dummy and the unused depth-5 stage are not in the graph; everything else is.
    if (p.key().find("stages_3") != std::string::npos || p.key().find("s4.") != std::string::npos ||
        p.key().find("block4") != std::string::npos || p.key().find("embed4") != std::string::npos ||
        p.key().find("norm4") != std::string::npos || p.key().find("blocks.5") != std::string::npos ||
        p.key().find("blocks.6") != std::string::npos || p.key().find("conv_head") != std::string::npos ||
        p.key().find("encoder.bn2") != std::string::npos) {
      continue;
    }
    ASSERT_TRUE(p.value().grad().defined()) << p.key();
  }

  fill_segkit_v1(*model);
  model->eval();
  const auto x = torch::randn({1, 1, 64, 64});
  const auto expected = model->predict(x);
  test::TempDir dir;
  save_pretrained(*model, dir / "hub");
  EXPECT_TRUE(torch::equal(from_pretrained(dir / "hub")->predict(x), expected));

  const auto copy = inference_copy(*model);
  const double scale = std::max(1.0, expected.std().item<double>());
  EXPECT_LE((copy->predict(x) - expected).abs().max().item<double>(), 1e-4 * scale);

  model->freeze_encoder();
  for (const auto& p : model->encoder().parameters()) EXPECT_FALSE(p.requires_grad());
}

INSTANTIATE_TEST_SUITE_P(Timm, ModernEncoder,
                         ::testing::Values(ModernCase{"unet", "tu-convnext_tiny"}, ModernCase{"segformer", "mit_b0"},
                                           ModernCase{"fpn", "timm-efficientnet-b0", 5},
                                           ModernCase{"upernet", "tu-regnety_002"}),
                         [](const auto& info) {
                           std::string name = info.param.arch + "_" + info.param.encoder;
                           for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

// MiT dilates as SMP's get_stages says (DeepLabV3+ at stride 16); timm's `tu-` encoders refuse it.
TEST(ModernEncoderDilation, MixTransformerDilatesTuEncodersRefuse) {
  auto deeplab = create_model({{"arch", "deeplabv3plus"}, {"encoder_name", "mit_b0"}, {"classes", 2}});
  deeplab->eval();
  EXPECT_EQ(deeplab->predict(torch::randn({1, 3, 64, 64})).sizes(), (std::vector<int64_t>{1, 2, 64, 64}));
  EXPECT_THROW(create_model({{"arch", "deeplabv3plus"}, {"encoder_name", "tu-convnext_tiny"}}), ConfigError);
}

}  // namespace
}  // namespace segkit::models
