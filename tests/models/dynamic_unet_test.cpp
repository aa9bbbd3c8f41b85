// fastai's DynamicUnet with the pneumothorax kernel's hypercolumns: the layer shapes fastai builds
// for a ResNet34 body (worked out from fastai 1.0.61's unet.py / layers.py and the kernel's
// Hcolumns), fastai's initialisation, and training behaviour (detached skips).
#include "segkit/models/dynamic_unet/dynamic_unet.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "segkit/models/hub_format.h"
#include "segkit/models/inference_copy.h"
#include "segkit/models/model_registry.h"
#include "tests/support/test_support.h"

namespace segkit::models {
namespace {

std::vector<int64_t> shape_of(const SegmentationModel& model, const std::string& name) {
  const auto parameters = model->named_parameters();
  if (!parameters.contains(name)) {
    ADD_FAILURE() << "no parameter " << name;
    return {};
  }
  return parameters[name].sizes().vec();
}

using Shape = std::vector<int64_t>;

TEST(DynamicUnet, ResNet34WithHypercolumnsHasTheKernelsLayers) {
  auto model = create_model({{"arch", "dynamic_unet"}, {"encoder_name", "resnet34"}, {"classes", 1}, {"hypercolumns", true}});
  // Bottleneck: BatchNorm(512), then conv_layer(512, 1024), conv_layer(1024, 512).
  EXPECT_EQ(shape_of(model, "decoder.bn.weight"), Shape({512}));
  EXPECT_EQ(shape_of(model, "decoder.middle.0.0.weight"), Shape({1024, 512, 3, 3}));
  EXPECT_EQ(shape_of(model, "decoder.middle.1.0.weight"), Shape({512, 1024, 3, 3}));
  // UnetBlocks over layer3 (256), layer2 (128), layer1 (64), relu (64): outputs 512, 384, 256, 96.
  EXPECT_EQ(shape_of(model, "decoder.blocks.0.shuf.conv.weight"), Shape({1024, 512, 1, 1}));
  EXPECT_EQ(shape_of(model, "decoder.blocks.0.bn.weight"), Shape({256}));
  EXPECT_EQ(shape_of(model, "decoder.blocks.0.conv1.0.weight"), Shape({512, 512, 3, 3}));
  EXPECT_EQ(shape_of(model, "decoder.blocks.1.conv2.0.weight"), Shape({384, 384, 3, 3}));
  EXPECT_EQ(shape_of(model, "decoder.blocks.2.conv2.0.weight"), Shape({256, 256, 3, 3}));
  EXPECT_EQ(shape_of(model, "decoder.blocks.3.shuf.conv.weight"), Shape({512, 256, 1, 1}));
  EXPECT_EQ(shape_of(model, "decoder.blocks.3.conv1.0.weight"), Shape({96, 192, 3, 3}));  // the final block halves
  // PixelShuffle_ICNR(96) to full size, the input image concatenated (99), res_block(99).
  EXPECT_EQ(shape_of(model, "decoder.final_shuffle.conv.weight"), Shape({384, 96, 1, 1}));
  EXPECT_EQ(shape_of(model, "decoder.res_block.1.0.weight"), Shape({99, 99, 3, 3}));
  // Hcolumns: the middle and the 4 blocks, each through two 3x3 convs to 99 channels; the head reads
  // 6 x 99 = 594 channels through a 1x1 conv.
  EXPECT_EQ(shape_of(model, "decoder.hypercolumns.0.0.weight"), Shape({99, 512, 3, 3}));
  EXPECT_EQ(shape_of(model, "decoder.hypercolumns.4.1.weight"), Shape({99, 99, 3, 3}));
  EXPECT_EQ(shape_of(model, "segmentation_head.0.weight"), Shape({1, 594, 1, 1}));
  EXPECT_EQ(model->named_parameters().find("decoder.hypercolumns.5.0.weight"), nullptr);
}

TEST(DynamicUnet, StartsAsFastaiInitialisesIt) {
  torch::manual_seed(0);
  auto model = create_model({{"arch", "dynamic_unet"}, {"encoder_name", "resnet18"}, {"encoder_depth", 4}});
  const auto parameters = model->named_parameters();
  EXPECT_TRUE(torch::all(parameters["decoder.bn.bias"] == 1e-3f).item<bool>());
  EXPECT_TRUE(torch::all(parameters["decoder.blocks.0.bn.weight"] == 1.0f).item<bool>());
  EXPECT_TRUE(torch::all(parameters["decoder.middle.0.0.bias"] == 0.0f).item<bool>());
  // Kaiming-normal over fan_in: std sqrt(2 / (256 * 9)) for the first middle conv.
  EXPECT_NEAR(parameters["decoder.middle.0.0.weight"].std().item<double>(), std::sqrt(2.0 / (256 * 9)), 2e-3);
  // ICNR: the 4 channels that one pixel shuffle spreads over a 2x2 block start equal.
  const auto icnr = parameters["decoder.final_shuffle.conv.weight"];
  for (int64_t j = 0; j < 3; ++j) {
    for (int64_t r = 1; r < 4; ++r) EXPECT_TRUE(torch::equal(icnr[4 * j], icnr[4 * j + r])) << j << " " << r;
  }
  EXPECT_FALSE(torch::equal(icnr[0], icnr[4]));
}

// Every output pixel sees the input (last_cross), and detaching the skips changes the encoder's
// gradients (only the deepest feature reaches it) but not the output.
TEST(DynamicUnet, DetachedSkipsTrainTheEncoderOnlyThroughTheBottleneck) {
  const auto input = torch::randn({2, 3, 64, 64});
  std::vector<torch::Tensor> outputs, grads;
  for (bool detach : {false, true}) {
    torch::manual_seed(1);
    auto model = create_model({{"arch", "dynamic_unet"}, {"encoder_name", "resnet18"}, {"classes", 2},
                               {"hypercolumns", true}, {"detach_skips", detach}});
    model->train();
    const auto out = model->forward(input);
    EXPECT_EQ(out.sizes(), (std::vector<int64_t>{2, 2, 64, 64}));
    out.pow(2).mean().backward();
    outputs.push_back(out.detach());
    grads.push_back(model->named_parameters()["encoder.layer1.0.conv1.weight"].grad().clone());
  }
  EXPECT_TRUE(torch::allclose(outputs[0], outputs[1]));
  EXPECT_GT(grads[1].abs().sum().item<double>(), 0.0);
  EXPECT_FALSE(torch::allclose(grads[0], grads[1]));
}

TEST(DynamicUnet, SavedAndFastCopiesPredictTheSame) {
  torch::manual_seed(2);
  auto model = create_model({{"arch", "dynamic_unet"}, {"encoder_name", "resnet18"}, {"classes", 2}, {"hypercolumns", true}});
  model->train();
  {
    torch::NoGradGuard no_grad;
    for (int i = 0; i < 3; ++i) model->forward(torch::randn({2, 3, 64, 96}));  // non-trivial running statistics
  }
  model->eval();
  test::TempDir dir;
  save_pretrained(*model, dir.path() / "m");
  auto loaded = from_pretrained(dir.path() / "m");
  loaded->eval();
  auto fast = inference_copy(*model);
  torch::NoGradGuard no_grad;
  const auto images = torch::randn({1, 3, 64, 96});
  const auto expected = model->forward(images);
  EXPECT_TRUE(torch::allclose(loaded->forward(images), expected, 1e-5, 1e-5));
  EXPECT_LT((fast->forward(images) - expected).abs().max().item<double>(), 1e-3 * std::max(1.0, expected.abs().max().item<double>()));
}

}  // namespace
}  // namespace segkit::models
