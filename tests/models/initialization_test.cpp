#include "segkit/models/initialization.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "segkit/models/model_registry.h"

namespace segkit::models {
namespace {

// The uniform bound of each init, checked on the spread of the drawn weights: Kaiming-uniform with
// ReLU gain draws from +-sqrt(6 / fan_in), Xavier-uniform from +-sqrt(6 / (fan_in + fan_out)), and
// LibTorch's default from +-sqrt(1 / fan_in), 2.4x narrower than the decoder's. Kaiming-normal has
// standard deviation sqrt(2 / fan).
double bound_estimate(const torch::Tensor& weight) { return weight.abs().max().item<double>(); }

TEST(Initialization, DecoderAndHeadsFollowSmp) {
  torch::manual_seed(0);
  const auto model = create_model({{"arch", "unet"},
                                   {"encoder_name", "resnet18"},
                                   {"classes", 3},
                                   {"aux_params", {{"classes", 3}}}});
  const auto parameters = model->named_parameters();
  const auto conv = parameters["decoder.blocks.0.conv1.0.weight"];  // 768 -> 256, 3x3, no bias
  const double fan_in = static_cast<double>(conv.size(1) * conv.size(2) * conv.size(3));
  EXPECT_NEAR(bound_estimate(conv), std::sqrt(6.0 / fan_in), 0.01 * std::sqrt(6.0 / fan_in));
  EXPECT_NEAR(conv.std().item<double>(), std::sqrt(2.0 / fan_in), 0.02 * std::sqrt(2.0 / fan_in));
  EXPECT_TRUE(torch::equal(parameters["decoder.blocks.0.conv1.1.weight"], torch::ones({256})));

  const auto head = parameters["segmentation_head.0.weight"];  // 16 -> 3, 3x3
  const double xavier = std::sqrt(6.0 / (16 * 9 + 3 * 9));
  EXPECT_LE(bound_estimate(head), xavier);
  EXPECT_GT(bound_estimate(head), 0.9 * xavier);
  EXPECT_EQ(parameters["segmentation_head.0.bias"].abs().max().item<double>(), 0.0);
  EXPECT_EQ(parameters["classification_head.3.bias"].abs().max().item<double>(), 0.0);

  // The encoder keeps torchvision's initialisation, which SMP's ResNet inherits: Kaiming-normal over
  // fan_out (64 x 3 x 3 here), not LibTorch's narrower default.
  const auto block = parameters["encoder.layer1.0.conv1.weight"];
  EXPECT_NEAR(block.std().item<double>(), std::sqrt(2.0 / (64 * 9)), 0.03 * std::sqrt(2.0 / (64 * 9)));
  EXPECT_NEAR(block.mean().item<double>(), 0.0, 0.002);
}

// DenseNet's torchvision init is over fan_in; SE-ResNets (pretrainedmodels' layout) keep LibTorch's
// default, uniform within +-sqrt(1 / fan_in).
TEST(Initialization, EncodersFollowTheirPythonFamilies) {
  torch::manual_seed(0);
  const auto densenet = create_model({{"arch", "unet"}, {"encoder_name", "densenet121"}})->named_parameters();
  const auto conv = densenet["encoder.features.denseblock1.denselayer1.conv2.weight"];  // 128 -> 32, 3x3
  EXPECT_NEAR(conv.std().item<double>(), std::sqrt(2.0 / (128 * 9)), 0.03 * std::sqrt(2.0 / (128 * 9)));
  const auto senet = create_model({{"arch", "unet"}, {"encoder_name", "se_resnet50"}})->named_parameters();
  const auto se_conv = senet["encoder.layer1.0.conv2.weight"];  // 64 -> 64, 3x3
  EXPECT_LE(bound_estimate(se_conv), std::sqrt(1.0 / (64 * 9)) + 1e-6);
  EXPECT_GT(bound_estimate(se_conv), 0.9 * std::sqrt(1.0 / (64 * 9)));
}

}  // namespace
}  // namespace segkit::models
