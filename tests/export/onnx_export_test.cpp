// ONNX export: every architecture with a representative encoder is written, runs in OpenCV's DNN
// module and gives segkit's outputs; the file passes onnx.checker; what ONNX cannot express is refused.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>

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

std::vector<Case> every_architecture() {
  return {
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
        Case{"unet_aux_head", small("unet", "resnet18", {{"aux_params", {{"classes", 3}}}})},
        Case{"dynamic_unet_hypercolumns", small("dynamic_unet", "resnet18", {{"hypercolumns", true}})},
        Case{"classifier_efficientnet", small("classifier", "efficientnet-b0")}};
}

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

INSTANTIATE_TEST_SUITE_P(Onnx, ExportsEveryArchitecture, testing::ValuesIn(every_architecture()),
    [](const testing::TestParamInfo<Case>& info) { return info.param.label; });

// Symbolic height/width: the file traced at 64x96 runs at 96x160 with segkit's outputs. OpenCV 4.6
// runs only graphs without run-time shape arithmetic (reshapes to H*W: Segformer, MAnet), and some
// at batch 1 only; bench/export checks every architecture at other batch sizes in ONNX Runtime.
class DynamicShapes : public testing::TestWithParam<Case> {};

TEST_P(DynamicShapes, RunAtAnotherSize) {
  test::TempDir dir;
  const auto loaded = loaded_model(GetParam().arguments);
  OnnxExportOptions options;
  options.height = 64;
  options.width = 96;
  options.dynamic = true;
  export_onnx(loaded, options, dir / "model.onnx");
  const auto input = torch::randn({1, 3, 96, 160});
  torch::NoGradGuard no_grad;
  const auto expected = loaded.model->forward(input);
  const auto actual = run_with_opencv_dnn(dir / "model.onnx", input, {"masks"}).front();
  ASSERT_EQ(actual.sizes(), expected.sizes());
  EXPECT_LT((actual - expected).abs().max().item<double>(), 1e-4 * std::max(1.0, expected.std().item<double>()));
}

INSTANTIATE_TEST_SUITE_P(
    Onnx, DynamicShapes,
    testing::Values(Case{"unet_resnet18", small("unet", "resnet18", {{"encoder_depth", 4}, {"decoder_channels", {32, 16, 8, 8}}})},
                    Case{"fpn_mobilenet", small("fpn", "mobilenet_v2")},
                    Case{"unetplusplus_effnet", small("unetplusplus", "efficientnet-b0", {{"decoder_channels", {32, 16, 8, 8, 8}}})},
                    Case{"linknet_resnet18", small("linknet", "resnet18")}),
    [](const testing::TestParamInfo<Case>& info) { return info.param.label; });

// A classifier's graph has one output, "labels" (N x K), and any input size when dynamic.
TEST(OnnxExport, ClassifierGivesClassProbabilitiesAtAnySize) {
  test::TempDir dir;
  const auto loaded = loaded_model(small("classifier", "resnet18"));
  OnnxExportOptions options;
  options.height = 64;
  options.width = 96;
  options.dynamic = true;
  options.activation = "auto";
  export_onnx(loaded, options, dir / "cls.onnx");
  const auto input = torch::randn({1, 3, 96, 160});
  torch::NoGradGuard no_grad;
  const auto expected = torch::sigmoid(loaded.model->forward(input));
  const auto actual = run_with_opencv_dnn(dir / "cls.onnx", input, {"labels"}).front();
  ASSERT_EQ(actual.sizes(), (std::vector<int64_t>{1, 2}));
  EXPECT_LT((actual - expected).abs().max().item<double>(), 1e-5);
}

TEST(OnnxExport, MulticlassAutoActivationGivesSoftmaxProbabilities) {
  test::TempDir dir;
  auto loaded = loaded_model(small("unet", "resnet18", {{"encoder_depth", 3}, {"decoder_channels", {16, 8, 8}}, {"classes", 4}}),
                             TaskMode::kMulticlass);
  OnnxExportOptions options;
  options.height = options.width = 64;
  options.activation = "auto";
  export_onnx(loaded, options, dir / "model.onnx");
  const auto check = check_with_opencv_dnn(loaded, options, dir / "model.onnx");
  EXPECT_TRUE(check.passed) << check.max_abs_diff;
  const auto probabilities = run_with_opencv_dnn(dir / "model.onnx", torch::randn({1, 3, 64, 64}), {"masks"}).front();
  EXPECT_TRUE(torch::allclose(probabilities.sum(1), torch::ones({1, 64, 64}), 1e-5, 1e-5));
}

// A fold ensemble in one graph: the mean of the folds' probabilities, as segkit predict averages them.
TEST(OnnxExport, FoldEnsembleAveragesProbabilitiesInOneGraph) {
  test::TempDir dir;
  const auto arguments = small("fpn", "resnet18", {{"encoder_depth", 4}});
  std::vector<infer::LoadedModel> folds{loaded_model(arguments), loaded_model(arguments)};
  torch::manual_seed(11);
  folds[1].model = models::create_model(arguments);  // other weights
  OnnxExportOptions options;
  options.height = options.width = 64;
  options.activation = "auto";
  export_onnx(folds, options, dir / "ensemble.onnx");
  const auto check = check_with_opencv_dnn(folds, options, dir / "ensemble.onnx");
  EXPECT_TRUE(check.passed) << check.max_abs_diff;
  const auto single = check_with_opencv_dnn(folds[0], options, dir / "ensemble.onnx");
  EXPECT_GT(single.max_abs_diff, 1e-2) << "the ensemble must differ from its first fold";
  options.activation = "none";
  EXPECT_THROW(export_onnx(folds, options, dir / "logits.onnx"), ConfigError);
}

TEST(OnnxExport, RefusesWhatOnnxCannotExpressWithAReason) {
  test::TempDir dir;
  OnnxExportOptions options;
  options.height = options.width = 64;
  options.dynamic = true;
  // PSPNet's pyramid resizes its 1x1 ... 6x6 pools to the feature's size: ratios that follow the input.
  try {
    export_onnx(loaded_model(small("pspnet", "resnet18")), options, dir / "psp.onnx");
    FAIL() << "dynamic PSPNet exported";
  } catch (const ExportError& e) {
    EXPECT_NE(std::string(e.what()).find("aten::upsample_bilinear2d"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("without --dynamic"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "psp.onnx"));
  options.dynamic = false;
  options.opset = 11;
  EXPECT_THROW(export_onnx(loaded_model(small("unet", "resnet18")), options, dir / "a.onnx"), ConfigError);
  options.opset = 13;
  options.activation = "sigmoud";
  EXPECT_THROW(export_onnx(loaded_model(small("unet", "resnet18")), options, dir / "a.onnx"), ConfigError);
}

bool python_onnx_available() { return std::system("/usr/bin/python3 -c 'import onnx' > /dev/null 2>&1") == 0; }

// Every architecture's file passes onnx.checker with full shape inference, fixed and dynamic.
TEST(OnnxExport, EveryArchitecturePassesTheOnnxChecker) {
  if (!python_onnx_available()) GTEST_SKIP() << "python3-onnx is not installed (scripts/install_deps.sh installs it)";
  test::TempDir dir;
  std::string files;
  for (const auto& c : every_architecture()) {
    OnnxExportOptions options;
    options.height = c.height;
    options.width = c.width;
    export_onnx(loaded_model(c.arguments), options, dir / (c.label + ".onnx"));
    files += "'" + (dir / (c.label + ".onnx")).string() + "',";
    options.dynamic = true;
    try {
      export_onnx(loaded_model(c.arguments), options, dir / (c.label + "_dynamic.onnx"));
      files += "'" + (dir / (c.label + "_dynamic.onnx")).string() + "',";
    } catch (const ExportError&) {  // architectures that cannot have symbolic sizes (docs/export.md)
    }
  }
  const auto script = fmt::format("import onnx\nfor f in [{}]: onnx.checker.check_model(onnx.load(f), full_check=True)", files);
  std::ofstream(dir / "check.py") << script;
  EXPECT_EQ(std::system(("/usr/bin/python3 " + (dir / "check.py").string()).c_str()), 0);
}

// onnx.checker (python3-onnx) with full shape inference, and the metadata a deployment reads.
TEST(OnnxExport, FilesPassTheOnnxCheckerAndCarryThePreprocessing) {
  if (!python_onnx_available()) GTEST_SKIP() << "python3-onnx is not installed (scripts/install_deps.sh installs it)";
  test::TempDir dir;
  const auto loaded = loaded_model(small("unet", "resnet18", {{"aux_params", {{"classes", 2}}}}));
  OnnxExportOptions options;
  options.height = 64;
  options.width = 96;
  for (const int64_t opset : {13, 17}) {
    for (const bool dynamic : {false, true}) {
      options.opset = opset;
      options.dynamic = dynamic;
      const auto path = dir / fmt::format("m{}{}.onnx", opset, dynamic);
      export_onnx(loaded, options, path);
      const auto script = fmt::format(
          "import onnx, json; m = onnx.load('{}'); onnx.checker.check_model(m, full_check=True); "
          "meta = {{p.key: p.value for p in m.metadata_props}}; "
          "assert json.loads(meta['segkit.mean']) == [0.5], meta; assert json.loads(meta['segkit.std']) == [0.25]; "
          "assert meta['segkit.classes'] == json.dumps(['c0', 'c1']).replace(' ', ''), meta; "
          "assert [o.name for o in m.graph.output] == ['masks', 'labels']; "
          "assert m.opset_import[0].version == {}",
          path.string(), opset);
      EXPECT_EQ(std::system(("/usr/bin/python3 -c \"" + script + "\"").c_str()), 0) << path;
    }
  }
}

}  // namespace
}  // namespace segkit::exporter
