#include "segkit/nn/mixed_precision.h"

#include <ATen/autocast_mode.h>
#include <gtest/gtest.h>

#include "segkit/core/error.h"
#include "segkit/nn/machine.h"
#include "tests/support/native_bf16.h"

namespace segkit::nn {
namespace {

TEST(MixedPrecision, ParsesTheFourNamesAndNamesTheKeyOtherwise) {
  for (const auto precision : {Precision::kFloat32, Precision::kBFloat16, Precision::kFloat16, Precision::kAuto}) {
    EXPECT_EQ(parse_precision(precision_name(precision), "k"), precision);
  }
  try {
    parse_precision("half", "train.precision");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("train.precision"), std::string::npos) << e.what();
  }
}

TEST(MixedPrecision, Float16NeedsCuda) {
  EXPECT_THROW(check_precision(Precision::kFloat16, torch::Device(torch::kCPU), "train.precision"), ConfigError);
}

TEST(MixedPrecision, Bfloat16OnTheCpuNeedsNativeSupportOtherwiseTheMessageSaysWhatIsMissing) {
  const torch::Device cpu(torch::kCPU);
  if (native_cpu_bf16()) {
    EXPECT_NO_THROW(check_precision(Precision::kBFloat16, cpu, "train.precision"));
    return;
  }
  try {
    check_precision(Precision::kBFloat16, cpu, "train.precision");
    FAIL() << "bf16 accepted without native support";
  } catch (const ConfigError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("train.precision"), std::string::npos) << message;
    EXPECT_NE(message.find("avx512_bf16"), std::string::npos) << message;
    EXPECT_NE(message.find("Use fp32, or auto"), std::string::npos) << message;
  }
}

TEST(MixedPrecision, AutoPicksWhatTheDeviceComputesNatively) {
  EXPECT_EQ(resolve_precision(Precision::kAuto, torch::Device(torch::kCPU)),
            native_cpu_bf16() ? Precision::kBFloat16 : Precision::kFloat32);
  EXPECT_EQ(resolve_precision(Precision::kAuto, torch::Device(torch::kCPU), Use::kTraining),
            bf16_training_pays_off() ? Precision::kBFloat16 : Precision::kFloat32);
  if (bf16_training_pays_off()) {
    EXPECT_TRUE(native_cpu_bf16());
  }
  EXPECT_EQ(resolve_precision(Precision::kAuto, torch::Device(torch::kCUDA, 0)), Precision::kFloat16);
  EXPECT_EQ(resolve_precision(Precision::kFloat32, torch::Device(torch::kCPU)), Precision::kFloat32);
  EXPECT_NO_THROW(check_precision(resolve_precision(Precision::kAuto, torch::Device(torch::kCPU)),
                                  torch::Device(torch::kCPU), "train.precision"));
}

TEST(MixedPrecision, AutocastRunsConvolutionsInBfloat16ReductionsInFloat32AndRestoresTheState) {
  SEGKIT_REQUIRE_NATIVE_BF16();
  torch::manual_seed(0);
  torch::nn::Conv2d conv(torch::nn::Conv2dOptions(3, 8, 3));
  const auto x = torch::randn({2, 3, 16, 16});
  {
    AutocastScope autocast(Precision::kBFloat16, torch::Device(torch::kCPU));
    EXPECT_TRUE(at::autocast::is_cpu_enabled());
    const auto y = conv(x);
    EXPECT_EQ(y.scalar_type(), torch::kBFloat16);
    // binary_cross_entropy_with_logits is on autocast's float32 list: a loss inside the scope stays
    // exact (the trainer computes losses outside it anyway).
    EXPECT_EQ(torch::binary_cross_entropy_with_logits(y, torch::zeros_like(y)).scalar_type(), torch::kFloat);
    // Close to float32: bfloat16 keeps 8 bits of mantissa.
    const auto exact = torch::conv2d(x, conv->weight, conv->bias);
    EXPECT_LT((y.to(torch::kFloat) - exact).abs().max().item<double>(), 0.05 * exact.abs().max().item<double>());
  }
  EXPECT_FALSE(at::autocast::is_cpu_enabled());
  EXPECT_EQ(conv(x).scalar_type(), torch::kFloat);
  {
    AutocastScope none(Precision::kFloat32, torch::Device(torch::kCPU));
    EXPECT_FALSE(at::autocast::is_cpu_enabled());
  }
}

TEST(MixedPrecision, GradientsFlowThroughAnAutocastForwardIntoFloat32Weights) {
  SEGKIT_REQUIRE_NATIVE_BF16();
  torch::manual_seed(0);
  torch::nn::Conv2d conv(torch::nn::Conv2dOptions(3, 4, 3));
  const auto x = torch::randn({2, 3, 8, 8});
  torch::Tensor y;
  {
    AutocastScope autocast(Precision::kBFloat16, torch::Device(torch::kCPU));
    y = conv(x);
  }
  y.to(torch::kFloat).square().mean().backward();
  ASSERT_TRUE(conv->weight.grad().defined());
  EXPECT_EQ(conv->weight.grad().scalar_type(), torch::kFloat);
  auto exact = conv->weight.detach().clone().requires_grad_(true);
  torch::conv2d(x, exact, conv->bias.detach()).square().mean().backward();
  const double scale = exact.grad().abs().max().item<double>();
  EXPECT_LT((conv->weight.grad() - exact.grad()).abs().max().item<double>(), 0.05 * scale);
}

}  // namespace
}  // namespace segkit::nn
