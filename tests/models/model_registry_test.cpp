#include "segkit/models/model_registry.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <regex>
#include <set>

#include "segkit/core/error.h"
#include "segkit/encoders/encoder_registry.h"
#include "segkit/nn/state_dict.h"
#include "segkit/nn/tensor_io.h"
#include "tests/support/test_support.h"

namespace segkit::models {
namespace {

std::string error_of(const json& config) {
  try {
    create_model(config);
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ConfigError for " << config.dump();
  return "";
}

TEST(ModelRegistry, NamesAreUnique) {
  std::set<std::string> names;
  for (const auto& spec : model_specs()) EXPECT_TRUE(names.insert(spec.name).second) << spec.name;
  for (const auto& spec : encoders::encoder_specs()) EXPECT_TRUE(names.insert(spec.name).second) << spec.name;
}

TEST(ModelRegistry, UnknownNamesListValidChoices) {
  EXPECT_NE(error_of({{"arch", "unett"}}).find("did you mean 'unet'"), std::string::npos);
  const std::string encoder = error_of({{"arch", "unet"}, {"encoder_name", "resnet35"}});
  EXPECT_NE(encoder.find("did you mean 'resnet34'"), std::string::npos) << encoder;
  EXPECT_NE(encoder.find("efficientnet-b7"), std::string::npos) << encoder;
  const std::string argument = error_of({{"arch", "fpn"}, {"decoder_pyramid_chanels", 64}});
  EXPECT_NE(argument.find("did you mean 'decoder_pyramid_channels'"), std::string::npos) << argument;
  EXPECT_NE(error_of({{"arch", "unet"}, {"encoder_weights", "imagenet"}}).find("never downloads"), std::string::npos);
  EXPECT_NE(error_of({{"encoder_name", "resnet18"}}).find("'arch'"), std::string::npos);
}

// Every architecture trains on a tiny input: forward, loss, backward reach every encoder parameter.
class TinyModel : public ::testing::TestWithParam<std::string> {};

TEST_P(TinyModel, ForwardBackwardResnet18) {
  torch::manual_seed(0);
  auto model = create_model({{"arch", GetParam()}, {"encoder_name", "resnet18"}, {"classes", 2},
                             {"aux_params", {{"classes", 2}}}});
  model->train();
  const int64_t size = GetParam() == "pan" ? 128 : 64;  // PAN pools its 1/16 map three more times
  auto out = model->forward_with_aux(torch::randn({2, 3, size, size}));
  EXPECT_EQ(out.masks.sizes(), (std::vector<int64_t>{2, 2, size, size}));
  EXPECT_EQ(out.labels.sizes(), (std::vector<int64_t>{2, 2}));
  (out.masks.mean() + out.labels.mean()).backward();
  auto grad = model->encoder().named_parameters()["conv1.weight"].grad();
  ASSERT_TRUE(grad.defined());
  EXPECT_GT(grad.abs().sum().item<double>(), 0);
}

INSTANTIATE_TEST_SUITE_P(Architectures, TinyModel, ::testing::Values("unet", "fpn", "pspnet", "linknet", "unetplusplus",
                                                                       "deeplabv3", "deeplabv3plus", "manet", "pan",
                                                                       "upernet", "segformer", "dynamic_unet"));

// The feature pyramid contract (encoder.h) for one encoder of every family: depth + 1 features,
// channels as registered, strides 1, 2, 4, ..., 32.
class EncoderContract : public ::testing::TestWithParam<std::string> {};

TEST_P(EncoderContract, FeaturesHalveWithRegisteredChannels) {
  auto encoder = encoders::create_encoder(GetParam(), 5, 3);
  encoder->eval();
  torch::NoGradGuard no_grad;
  auto features = encoder->forward(torch::randn({1, 3, 64, 64}));
  ASSERT_EQ(features.size(), 6u);
  for (size_t k = 0; k < features.size(); ++k) {
    EXPECT_EQ(features[k].size(1), encoder->out_channels()[k]) << "feature " << k;
    EXPECT_EQ(features[k].size(2), 64 >> k) << "feature " << k;
  }
}

// Encoders that start at stride 4 (ConvNeXt, MiT) give SMP's empty stride-2 feature.
INSTANTIATE_TEST_SUITE_P(Families, EncoderContract,
                         ::testing::Values("resnet18", "se_resnext50_32x4d", "densenet121", "efficientnet-b0",
                                           "mobilenet_v2", "inceptionresnetv2", "timm-efficientnet-b0",
                                           "tu-regnetx_002", "tu-regnety_002", "tu-convnext_tiny", "mit_b0"));

// segkit extension: EfficientNet's drop_connect_rate from the model arguments (the buildings
// pipeline's stage 2 trains with 0.5). Drop connect is random in training mode only.
TEST(Encoders, EfficientNetDropConnectRateIsConfigurable) {
  const auto build = [](double rate) {
    torch::manual_seed(0);
    return create_model({{"arch", "unet"}, {"encoder_name", "efficientnet-b0"}, {"encoder_depth", 5}, {"classes", 1},
                         {"encoder_drop_connect_rate", rate}});
  };
  const auto input = torch::randn({2, 3, 64, 64});
  auto still = build(0.0);
  still->train();
  EXPECT_TRUE(torch::equal(still->forward(input), still->forward(input))) << "rate 0: no randomness";
  auto dropping = build(0.5);
  dropping->train();
  EXPECT_FALSE(torch::equal(dropping->forward(input), dropping->forward(input)));
  dropping->eval();
  EXPECT_TRUE(torch::equal(dropping->forward(input), dropping->forward(input))) << "eval: never dropped";
  EXPECT_THROW(create_model({{"arch", "unet"}, {"encoder_name", "resnet18"}, {"encoder_drop_connect_rate", 0.5}}),
               ConfigError);
  EXPECT_THROW(build(1.0), ConfigError);
}

TEST(Encoders, InChannelsAndDepthsFollowSmp) {
  for (int in_channels : {1, 4}) {
    auto model = create_model({{"arch", "unet"}, {"encoder_name", "resnet18"}, {"in_channels", in_channels}});
    torch::NoGradGuard no_grad;
    model->eval();
    EXPECT_EQ(model->forward(torch::randn({1, in_channels, 64, 64})).size(1), 1);
  }
  for (int depth : {3, 4, 5}) {
    std::vector<int64_t> channels = {64, 32, 16, 16, 16};
    channels.resize(depth);
    auto model = create_model({{"arch", "unet"}, {"encoder_name", "efficientnet-b0"}, {"encoder_depth", depth},
                               {"decoder_channels", channels}});
    auto features = model->encoder().forward(torch::randn({1, 3, 64, 64}));
    ASSERT_EQ(static_cast<int>(features.size()), depth + 1);
    EXPECT_EQ(features.back().size(2), 64 >> depth);
  }
}

TEST(Encoders, DilationKeepsResolution) {
  auto encoder = encoders::create_encoder("resnet18", 5, 3, /*output_stride=*/8);
  auto features = encoder->forward(torch::randn({1, 3, 64, 64}));
  EXPECT_EQ(features.back().size(2), 8);
  EXPECT_EQ(encoder->output_stride(), 8);
  for (const char* name : {"mobilenet_v2", "se_resnet50", "efficientnet-b0"}) {
    auto dilated = encoders::create_encoder(name, 5, 3, /*output_stride=*/16);
    EXPECT_EQ(dilated->forward(torch::randn({1, 3, 64, 64})).back().size(2), 4) << name;
  }
  EXPECT_THROW(encoders::create_encoder("densenet121", 5, 3, 16), ConfigError);
  EXPECT_THROW(encoders::create_encoder("inceptionresnetv2", 5, 3, 16), ConfigError);
  EXPECT_THROW(encoders::create_encoder("resnet18", 5, 3, 12), ConfigError);
}

TEST(SegmentationModel, IndivisibleInputProposesPaddedShape) {
  auto model = create_model({{"arch", "fpn"}, {"encoder_name", "resnet18"}});
  try {
    model->forward(torch::randn({1, 3, 70, 64}));
    FAIL();
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("Consider pad your images to shape (96, 64)"), std::string::npos) << e.what();
  }
  EXPECT_THROW(model->forward(torch::randn({1, 1, 64, 64})), ShapeError);
  // Unet interpolates to the skip sizes, as SMP's: any size works.
  auto unet = create_model({{"arch", "unet"}, {"encoder_name", "resnet18"}});
  torch::NoGradGuard no_grad;
  EXPECT_EQ(unet->forward(torch::randn({1, 3, 70, 50})).size(2), 70);
}

TEST(SegmentationModel, ForwardAnySizePadsByReflectionAndCropsBack) {
  auto model = create_model({{"arch", "fpn"}, {"encoder_name", "resnet18"}, {"classes", 2}});
  model->eval();
  torch::NoGradGuard no_grad;
  const auto x = torch::randn({1, 3, 70, 64});
  const auto out = model->forward_any_size(x).masks;
  ASSERT_EQ(out.sizes(), (std::vector<int64_t>{1, 2, 70, 64}));
  const auto padded = torch::nn::functional::pad(x, torch::nn::functional::PadFuncOptions({0, 0, 0, 26}).mode(torch::kReflect));
  EXPECT_TRUE(torch::equal(out, model->forward(padded).slice(2, 0, 70)));
}

TEST(SegmentationModel, FreezeEncoderStopsGradientsAndBatchNormStatistics) {
  auto model = create_model({{"arch", "unet"}, {"encoder_name", "resnet18"}});
  model->freeze_encoder();
  model->train();
  const auto before = model->encoder().named_buffers()["bn1.running_mean"].clone();
  model->forward(torch::randn({2, 3, 64, 64})).mean().backward();
  EXPECT_TRUE(torch::equal(before, model->encoder().named_buffers()["bn1.running_mean"]));
  EXPECT_FALSE(model->encoder().named_parameters()["conv1.weight"].grad().defined());
  model->unfreeze_encoder();
  model->forward(torch::randn({2, 3, 64, 64}));
  EXPECT_FALSE(torch::equal(before, model->encoder().named_buffers()["bn1.running_mean"]));
}

TEST(Pretrained, EncoderWeightsLoadFromSafetensorsInAnyNaming) {
  test::TempDir dir;
  auto source = encoders::create_encoder("resnet18");
  nn::NamedTensors torchvision = nn::state_dict(*source);
  torchvision.emplace_back("fc.weight", torch::zeros({1000, 512}));  // SMP drops it
  torchvision.emplace_back("fc.bias", torch::zeros({1000}));
  nn::save_safetensors(dir / "resnet18.safetensors", torchvision);
  auto model = create_model({{"arch", "unet"}, {"encoder_name", "resnet18"},
                             {"encoder_weights", (dir / "resnet18.safetensors").string()}, {"in_channels", 1}});
  const auto loaded = model->encoder().named_parameters()["conv1.weight"];
  EXPECT_TRUE(torch::allclose(loaded, source->named_parameters()["conv1.weight"].sum(1, true)));  // 1-channel rule
  EXPECT_TRUE(torch::equal(model->encoder().named_parameters()["layer4.1.bn2.weight"],
                           source->named_parameters()["layer4.1.bn2.weight"]));
  EXPECT_THROW(create_model({{"arch", "unet"}, {"encoder_name", "resnet34"},
                             {"encoder_weights", (dir / "resnet18.safetensors").string()}}),
               ShapeError);
  EXPECT_THROW(create_model({{"arch", "unet"}, {"encoder_weights", "weights.pth"}}), DataError);
}

// A checkpoint from a timm model repo has timm's own names: no `model.` prefix, `stages.0` where
// the features_only wrapper flattened to `stages_0`, and a classifier head.
TEST(Pretrained, TimmCheckpointsLoadIntoTuEncoders) {
  test::TempDir dir;
  auto source = encoders::create_encoder("tu-convnext_tiny");
  nn::NamedTensors timm;
  const std::regex flattened(R"(^model\.(stem|stages)_(\d+)\.)");
  for (const auto& [name, tensor] : nn::state_dict(*source)) {
    timm.emplace_back(std::regex_replace(name, flattened, "$1.$2."), tensor);
  }
  timm.emplace_back("head.norm.weight", torch::ones({768}));
  timm.emplace_back("head.fc.weight", torch::zeros({1000, 768}));
  nn::save_safetensors(dir / "convnext_tiny.safetensors", timm);
  auto model = create_model({{"arch", "unet"}, {"encoder_name", "tu-convnext_tiny"},
                             {"encoder_weights", (dir / "convnext_tiny.safetensors").string()}});
  for (const auto& name : {"model.stem_0.weight", "model.stages_2.blocks.8.mlp.fc2.weight", "model.stages_3.downsample.1.weight"}) {
    EXPECT_TRUE(torch::equal(model->encoder().named_parameters()[name], source->named_parameters()[name])) << name;
  }
  EXPECT_TRUE(std::any_of(timm.begin(), timm.end(), [](const auto& entry) { return entry.first == "stages.2.blocks.8.mlp.fc2.weight"; }));
}

}  // namespace
}  // namespace segkit::models
