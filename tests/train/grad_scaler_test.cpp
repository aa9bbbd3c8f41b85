#include "segkit/train/grad_scaler.h"

#include <gtest/gtest.h>

#include <limits>

namespace segkit::train {
namespace {

std::vector<torch::Tensor> gradients_of(const torch::Tensor& weight, double scale) {
  const auto x = torch::linspace(-1, 1, 6).reshape({2, 3});
  weight.mutable_grad() = torch::Tensor();
  const auto loss = (x.matmul(weight)).square().mean();
  (loss * scale).backward();
  return {weight.mutable_grad()};
}

TEST(GradScaler, DisabledPassesLossAndGradientsThrough) {
  GradScaler scaler(false);
  const auto loss = torch::tensor(2.5);
  EXPECT_TRUE(scaler.scale(loss).is_same(loss));
  std::vector<torch::Tensor> grads{torch::full({3}, std::numeric_limits<float>::infinity())};
  EXPECT_TRUE(scaler.unscale(grads));  // not even looked at: fp32 and bf16 need no overflow check
  scaler.update();
  EXPECT_EQ(scaler.scale_value(), 65536.0);
}

TEST(GradScaler, UnscaledGradientsEqualThoseOfTheUnscaledLoss) {
  const auto weight = torch::tensor({0.5, -1.0, 2.0}).reshape({3, 1}).requires_grad_(true);
  const auto exact = gradients_of(weight, 1.0)[0].clone();
  GradScaler scaler(true);
  EXPECT_DOUBLE_EQ(scaler.scale(torch::tensor(2.0)).item<double>(), 2.0 * 65536.0);
  auto grads = gradients_of(weight, scaler.scale_value());
  EXPECT_GT(grads[0].abs().max().item<double>(), 1000.0);
  EXPECT_TRUE(scaler.unscale(grads));
  EXPECT_TRUE(torch::allclose(weight.grad(), exact, 1e-6, 1e-7)) << weight.grad() << exact;
}

TEST(GradScaler, AnOverflowSkipsTheStepAndHalvesTheScaleCleanStepsGrowIt) {
  GradScaler scaler(true, {1024.0, 2.0, 0.5, 3});
  std::vector<torch::Tensor> overflowed{torch::ones({4}), torch::tensor({1.0f, std::numeric_limits<float>::infinity()})};
  EXPECT_FALSE(scaler.unscale(overflowed));
  scaler.update();
  EXPECT_EQ(scaler.scale_value(), 512.0);
  std::vector<torch::Tensor> nan{torch::tensor({std::numeric_limits<float>::quiet_NaN()})};
  EXPECT_FALSE(scaler.unscale(nan));
  scaler.update();
  EXPECT_EQ(scaler.scale_value(), 256.0);
  for (int step = 0; step < 3; ++step) {
    std::vector<torch::Tensor> clean{torch::ones({4})};
    EXPECT_TRUE(scaler.unscale(clean));
    EXPECT_DOUBLE_EQ(clean[0][0].item<double>(), 1.0 / 256.0);
    scaler.update();
    EXPECT_EQ(scaler.good_steps(), (step + 1) % 3);
  }
  EXPECT_EQ(scaler.scale_value(), 512.0);  // 3 clean steps: grown once
  scaler.restore(64.0, 2);
  std::vector<torch::Tensor> clean{torch::ones({1})};
  EXPECT_TRUE(scaler.unscale(clean));
  scaler.update();
  EXPECT_EQ(scaler.scale_value(), 128.0);  // the restored count of clean steps carried on
}

}  // namespace
}  // namespace segkit::train
