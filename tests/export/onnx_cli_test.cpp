// `segkit export` from the command line, and the OpenCV-only example program on its output.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cstdlib>

#include "segkit/export/onnx_export.h"
#include "segkit/models/model_registry.h"
#include "tests/support/test_support.h"

namespace segkit::exporter {
namespace {

// An SMP hub folder (`segkit models init` of a small steel run) at dir/model.
void write_model_folder(const test::TempDir& dir) {
  const auto config = test::synth_steel_run(dir / "data", 2, "64x96", "");
  const auto init = test::run_segkit(fmt::format("models init {} --out {}", config.string(), (dir / "model").string()));
  ASSERT_EQ(init.exit_code, 0) << init.err;
}

TEST(ExportCli, ExportsAModelFolderAndVerifiesItInOpenCvDnn) {
  test::TempDir dir;
  ASSERT_NO_FATAL_FAILURE(write_model_folder(dir));
  const auto exported = test::run_segkit(fmt::format("export --model {} -o {} --size 64x96 --activation auto --verify",
                                                     (dir / "model").string(), (dir / "m.onnx").string()));
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_NE(exported.out.find("OpenCV DNN vs segkit"), std::string::npos) << exported.out;
  EXPECT_NE(exported.out.find(" ok"), std::string::npos) << exported.out;
  EXPECT_TRUE(std::filesystem::exists(dir / "m.onnx"));
}

TEST(ExportCli, BadRequestsExitNonZeroWithAMessage) {
  test::TempDir dir;
  const auto missing = test::run_segkit(fmt::format("export --model {} -o {}", (dir / "none").string(), (dir / "m.onnx").string()));
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("none"), std::string::npos) << missing.err;
  ASSERT_NO_FATAL_FAILURE(write_model_folder(dir));
  const auto opset = test::run_segkit(fmt::format("export --model {} -o {} --opset 9", (dir / "model").string(),
                                                  (dir / "m.onnx").string()));
  EXPECT_NE(opset.exit_code, 0);
  EXPECT_NE(opset.err.find("opset"), std::string::npos) << opset.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "m.onnx"));
}

#ifdef SEGKIT_ONNX_EXAMPLE
// The example program (OpenCV only) segments an image as segkit does: same masks from the same file.
TEST(ExportExample, SegmentsAnImageWithOpenCvAloneAsSegkitDoes) {
  test::TempDir dir;
  torch::manual_seed(3);
  infer::LoadedModel loaded;
  loaded.model = models::create_model({{"arch", "unet"}, {"encoder_name", "resnet18"}, {"encoder_weights", nullptr},
                                       {"classes", 2}, {"encoder_depth", 3}, {"decoder_channels", {16, 8, 8}}});
  loaded.model->eval();
  loaded.preprocess_config = config::json::array({"Normalize"});
  OnnxExportOptions options;
  options.height = 64;
  options.width = 96;
  export_onnx(loaded, options, dir / "m.onnx");

  cv::Mat image(64, 96, CV_8UC3);
  cv::randu(image, 0, 255);
  cv::GaussianBlur(image, image, {9, 9}, 3);  // smooth, so masks are regions rather than noise
  ASSERT_TRUE(cv::imwrite((dir / "image.png").string(), image));
  const auto command = fmt::format("{} {} {} {} --size 64x96 > {} 2>&1", SEGKIT_ONNX_EXAMPLE, (dir / "m.onnx").string(),
                                   (dir / "image.png").string(), (dir / "out").string(), (dir / "log.txt").string());
  ASSERT_EQ(std::system(command.c_str()), 0) << command;

  cv::Mat rgb;
  cv::cvtColor(image, rgb, cv::COLOR_BGR2RGB);
  auto x = torch::from_blob(rgb.data, {64, 96, 3}, torch::kUInt8).permute({2, 0, 1}).to(torch::kFloat).div(255);
  x = (x - torch::tensor({0.485, 0.456, 0.406}).view({3, 1, 1})) / torch::tensor({0.229, 0.224, 0.225}).view({3, 1, 1});
  torch::NoGradGuard no_grad;
  const auto expected = torch::sigmoid(loaded.model->forward(x.unsqueeze(0).to(torch::kFloat))) > 0.5;
  for (int k = 0; k < 2; ++k) {
    const cv::Mat mask = cv::imread((dir / fmt::format("out_{}.png", k)).string(), cv::IMREAD_GRAYSCALE);
    ASSERT_FALSE(mask.empty());
    const auto actual = torch::from_blob(mask.data, {64, 96}, torch::kUInt8) > 0;
    const double agreement = (actual == expected[0][k]).to(torch::kFloat).mean().item<double>();
    EXPECT_GE(agreement, 0.999) << "class " << k;
  }
}
#endif

}  // namespace
}  // namespace segkit::exporter
