#include "segkit/models/hub_format.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/models/model_registry.h"
#include "segkit/models/parity.h"
#include "segkit/nn/tensor_io.h"
#include "tests/support/test_support.h"

namespace segkit::models {
namespace {

SegmentationModel filled_model(const json& config) {
  auto model = create_model(config);
  fill_segkit_v1(*model);
  return model;
}

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

TEST(HubFormat, SaveAndLoadRoundTripBitExact) {
  test::TempDir dir;
  auto model = filled_model({{"arch", "unet"}, {"encoder_name", "resnet18"}, {"classes", 3},
                             {"decoder_attention_type", "scse"}, {"aux_params", {{"classes", 2}}}});
  save_pretrained(*model, dir.path() / "unet");
  const json config = json::parse(read_file(dir.path() / "unet" / "config.json"));
  EXPECT_EQ(config["_model_class"], "Unet");
  EXPECT_TRUE(config["encoder_weights"].is_null());
  EXPECT_EQ(config["classes"], 3);

  auto loaded = from_pretrained(dir.path() / "unet");
  const auto expected = nn::state_dict(*model);
  const auto actual = nn::state_dict(*loaded);
  ASSERT_EQ(expected.size(), actual.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(expected[i].first, actual[i].first);
    EXPECT_TRUE(torch::equal(expected[i].second, actual[i].second)) << expected[i].first;
  }
  const torch::Tensor x = torch::randn({1, 3, 64, 64});
  EXPECT_TRUE(torch::equal(model->predict(x), loaded->predict(x)));
}

TEST(HubFormat, PlainStateDictsLoadWithTheirUsualPrefixes) {
  test::TempDir dir;
  const json config = {{"arch", "deeplabv3"}, {"encoder_name", "resnet18"}, {"encoder_depth", 3},
                       {"decoder_channels", 32}};
  auto model = filled_model(config);
  // A DataParallel checkpoint of an old SMP DeepLabV3: `module.` and decoder.0/1/2 names.
  nn::NamedTensors renamed;
  for (const auto& [name, tensor] : nn::state_dict(*model)) {
    std::string old_name = name;
    for (const auto& [now, before] : {std::pair{"decoder.aspp.", "decoder.0."}, {"decoder.conv.", "decoder.1."},
                                      {"decoder.bn.", "decoder.2."}}) {
      if (old_name.rfind(now, 0) == 0) old_name = before + old_name.substr(std::string(now).size());
    }
    renamed.emplace_back("module." + old_name, tensor);
  }
  nn::save_safetensors(dir.path() / "old.safetensors", renamed);
  auto fresh = create_model(config);
  EXPECT_TRUE(load_weights(*fresh, dir.path() / "old.safetensors").ok());
  const torch::Tensor x = torch::randn({1, 3, 64, 64});
  EXPECT_TRUE(torch::equal(model->predict(x), fresh->predict(x)));
}

TEST(HubFormat, MismatchesAreNamed) {
  test::TempDir dir;
  auto unet18 = create_model({{"arch", "unet"}, {"encoder_name", "resnet18"}});
  save_pretrained(*unet18, dir.path() / "r18");
  auto unet34 = create_model({{"arch", "unet"}, {"encoder_name", "resnet34"}, {"classes", 2}});
  const std::string message =
      error_of([&] { load_weights(*unet34, dir.path() / "r18" / "model.safetensors"); });
  EXPECT_NE(message.find("encoder.layer1.2.conv1.weight"), std::string::npos) << message;  // missing
  EXPECT_NE(message.find("segmentation_head.0.weight"), std::string::npos) << message;     // mis-shaped
  // Non-strict loading loads what fits and reports the rest.
  const auto report = load_weights(*unet34, dir.path() / "r18" / "model.safetensors", /*strict=*/false);
  EXPECT_FALSE(report.missing.empty());
  EXPECT_EQ(report.mismatched.size(), 2u);

  test::write_text(dir.path() / "bad" / "config.json", "{\"encoder_name\": \"resnet18\"}");
  EXPECT_NE(error_of([&] { from_pretrained(dir.path() / "bad"); }).find("_model_class"), std::string::npos);
  test::write_text(dir.path() / "typo" / "config.json", "{\"_model_class\": \"Unet\", \"clases\": 2}");
  EXPECT_NE(error_of([&] { from_pretrained(dir.path() / "typo"); }).find("clases"), std::string::npos);
  test::write_text(dir.path() / "pickle" / "config.json", "{\"_model_class\": \"Unet\"}");
  test::write_text(dir.path() / "pickle" / "pytorch_model.bin", "not read");
  EXPECT_NE(error_of([&] { from_pretrained(dir.path() / "pickle"); }).find("never unpickles"), std::string::npos);
  EXPECT_THROW(from_pretrained(dir.path() / "absent"), IoError);
}

}  // namespace
}  // namespace segkit::models
