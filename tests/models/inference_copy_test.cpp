#include "segkit/models/inference_copy.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <unistd.h>

#include <filesystem>

#include "segkit/core/error.h"
#include "segkit/models/hub_format.h"
#include "segkit/models/model_registry.h"
#include "segkit/models/parity.h"
#include "segkit/nn/batchnorm.h"
#include "tests/support/native_bf16.h"

namespace segkit::models {
namespace {

struct FuseCase {
  std::string arch;
  std::string encoder;
  int64_t size = 64;  // PAN's pyramid pools its 1/16 map three times: 128 is its smallest input
};

void PrintTo(const FuseCase& param, std::ostream* os) { *os << param.arch << "/" << param.encoder; }

class InferenceCopy : public ::testing::TestWithParam<FuseCase> {};

// The parity tolerance (../shared/parity/README.md): max |d| <= 1e-4 * max(1, std).
void expect_within_parity_tolerance(const torch::Tensor& actual, const torch::Tensor& expected) {
  const double scale = std::max(1.0, expected.std(/*unbiased=*/false).item<double>());
  EXPECT_LE((actual - expected).abs().max().item<double>(), 1e-4 * scale);
  EXPECT_LE((actual - expected).abs().mean().item<double>(), 1e-5 * scale);
}

TEST_P(InferenceCopy, FoldedAndChannelsLastMatchTheOriginal) {
  auto model = create_model({{"arch", GetParam().arch}, {"encoder_name", GetParam().encoder}, {"classes", 2}});
  fill_segkit_v1(*model);  // BatchNorm statistics far from identity, so folding is really exercised
  const torch::Tensor x = parity_image({3, GetParam().size, GetParam().size}, false).unsqueeze(0);
  const torch::Tensor expected = model->predict(x);

  auto folded = inference_copy(*model, {/*fold_batchnorm=*/true, /*channels_last=*/false});
  int folded_norms = 0, norms = 0;
  for (const auto& module : folded->modules()) {
    if (auto* norm = module->as<nn::BatchNorm2dImpl>()) {
      ++norms;
      folded_norms += norm->folded();
    }
  }
  // Every norm that follows a conv folds; DenseNet's pre-activation norms (BN before conv) cannot.
  EXPECT_GT(folded_norms, 0) << folded_norms << " of " << norms;
  expect_within_parity_tolerance(folded->predict(x), expected);

  auto channels_last = inference_copy(*model);
  const torch::Tensor output = channels_last->predict(x);
  EXPECT_TRUE(output.is_contiguous());
  expect_within_parity_tolerance(output, expected);
  // The original is untouched.
  EXPECT_TRUE(torch::equal(model->predict(x), expected));
}

// bfloat16 keeps 8 bits of mantissa: outputs move by about a percent of their spread, and the masks
// (logit > 0) stay the same almost everywhere. docs/benchmarks.md has the Dice cost on real data.
TEST_P(InferenceCopy, BFloat16StaysCloseToFloat32) {
  auto model = create_model({{"arch", GetParam().arch}, {"encoder_name", GetParam().encoder}, {"classes", 2}});
  fill_segkit_v1(*model);
  const torch::Tensor x = parity_image({3, GetParam().size, GetParam().size}, false).unsqueeze(0);
  const torch::Tensor expected = model->predict(x);
  if (GetParam().arch == "linknet") {  // transposed convolutions: no CPU bfloat16 kernel in LibTorch 1.13
    EXPECT_THROW(inference_copy(*model, {true, true, nn::Precision::kBFloat16}), ConfigError);
    return;
  }
  SEGKIT_REQUIRE_NATIVE_BF16();
  const torch::Tensor output = inference_copy(*model, {true, true, nn::Precision::kBFloat16})->predict(x);
  ASSERT_EQ(output.scalar_type(), torch::kFloat);
  const double spread = expected.std().item<double>();
  EXPECT_LE((output - expected).abs().mean().item<double>(), 0.05 * spread);
  const double same_sign = (output.gt(0) == expected.gt(0)).to(torch::kFloat).mean().item<double>();
  EXPECT_GE(same_sign, 0.97);
}

// Training keeps weights channels-last (train.channels_last); what it saves must be the plain layout.
TEST(ChannelsLastModel, SavesAndReloadsTheSameWeights) {
  auto model = create_model({{"arch", "unet"}, {"encoder_name", "resnet18"}, {"classes", 2}});
  fill_segkit_v1(*model);
  model->use_channels_last();
  const auto weight = model->named_parameters()["encoder.conv1.weight"];
  ASSERT_TRUE(weight.is_contiguous(torch::MemoryFormat::ChannelsLast));
  ASSERT_FALSE(weight.is_contiguous());
  const auto dir = std::filesystem::temp_directory_path() / ("segkit_cl_" + std::to_string(::getpid()));
  save_pretrained(*model, dir);
  auto reloaded = from_pretrained(dir);
  std::filesystem::remove_all(dir);
  EXPECT_TRUE(torch::equal(reloaded->named_parameters()["encoder.conv1.weight"], weight));
  const torch::Tensor x = parity_image({3, 64, 64}, false).unsqueeze(0);
  EXPECT_LE((reloaded->predict(x) - model->predict(x)).abs().max().item<double>(), 1e-4);
}

// Depthwise [C, 1, k, k] weights fit both layouts' strides; unless restrided, oneDNN reads them as
// NCHW and returns NCHW maps, so every op after a depthwise convolution copies (MiT, EfficientNet).
TEST(InferenceCopyLayout, DepthwiseConvolutionsStayChannelsLast) {
  auto model = create_model({{"arch", "segformer"}, {"encoder_name", "mit_b0"}, {"encoder_weights", nullptr}});
  auto fast = inference_copy(*model);
  const auto weight = fast->named_parameters()["encoder.block1.0.mlp.dwconv.dwconv.weight"];
  ASSERT_EQ(weight.size(1), 1);
  EXPECT_EQ(weight.suggest_memory_format(), torch::MemoryFormat::ChannelsLast);
  torch::InferenceMode inference;
  const int64_t channels = weight.size(0);
  const auto map = torch::randn({1, channels, 16, 16}).contiguous(torch::MemoryFormat::ChannelsLast);
  EXPECT_TRUE(torch::conv2d(map, weight, {}, 1, 1, 1, channels).is_contiguous(torch::MemoryFormat::ChannelsLast));
}

INSTANTIATE_TEST_SUITE_P(Models, InferenceCopy,
                         ::testing::Values(FuseCase{"unet", "resnet18"}, FuseCase{"fpn", "densenet121"},
                                           FuseCase{"unet", "efficientnet-b0"}, FuseCase{"linknet", "mobilenet_v2"},
                                           FuseCase{"deeplabv3plus", "resnet18"}, FuseCase{"pspnet", "se_resnet50"},
                                           FuseCase{"unetplusplus", "resnet18"}, FuseCase{"manet", "resnet18"},
                                           FuseCase{"pan", "resnet18", 128}, FuseCase{"upernet", "resnet18"}),
                         [](const auto& info) {
                           std::string name = info.param.arch + "_" + info.param.encoder;
                           for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

}  // namespace
}  // namespace segkit::models
