// ONNX export, checked and timed outside segkit (docs/export.md, docs/benchmarks.md "ONNX export").
//   1. Every architecture (x a representative encoder) is exported with symbolic shapes, and its input
//      and segkit's output at batch 2 and a size other than the traced one are written beside it:
//      bench/export/onnxruntime_check.js runs them in ONNX Runtime (npm onnxruntime-node) and compares.
//   2. Unet-ResNet34 (4 classes) at 256x1600 and 384x576, batch 1: segkit's inference (BN folded,
//      channels-last) against the exported file in OpenCV's DNN module, timed in the same run; the
//      ONNX Runtime timing of the same files comes from the script.
// Run: make bench-export   (or build/bin/bench_export OUT_DIR [threads])

#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include <opencv2/dnn.hpp>

#include "bench/machine_header.h"
#include "bench/raw_floats.h"
#include "bench/timing.h"
#include "segkit/export/onnx_export.h"
#include "segkit/export/opencv_dnn_check.h"
#include "segkit/models/inference_copy.h"
#include "segkit/models/model_registry.h"
#include "segkit/models/parity.h"
#include "segkit/nn/runtime.h"

namespace fs = std::filesystem;
using segkit::config::json;

namespace {

segkit::infer::LoadedModel loaded(json arguments) {
  arguments["encoder_weights"] = nullptr;
  segkit::infer::LoadedModel model;
  model.model = segkit::models::create_model(arguments);
  segkit::models::fill_segkit_v1(*model.model);
  model.model->eval();
  model.preprocess_config = json::array({"Normalize"});
  for (int k = 0; k < arguments.value("classes", 1); ++k) model.class_names.push_back("c" + std::to_string(k));
  return model;
}

json shape_of(const torch::Tensor& t) { return json(std::vector<int64_t>(t.sizes().begin(), t.sizes().end())); }

// Writes NAME.input.bin and NAME.expected.bin (segkit's masks for `input`); the manifest entry of
// NAME.onnx.
json manifest_entry(const fs::path& dir, const std::string& name, segkit::models::SegmentationModelImpl& model,
                    const torch::Tensor& input, bool dynamic) {
  torch::NoGradGuard no_grad;
  const auto expected = model.forward(input);
  segkit::bench::write_floats(dir / (name + ".input.bin"), input);
  segkit::bench::write_floats(dir / (name + ".expected.bin"), expected);
  return {{"name", name}, {"onnx", name + ".onnx"}, {"input", name + ".input.bin"}, {"input_shape", shape_of(input)},
          {"expected", name + ".expected.bin"}, {"expected_shape", shape_of(expected)}, {"dynamic", dynamic}};
}

// Writes NAME.onnx (dynamic, or fixed at the checked size) and its manifest entry's files.
json write_case(const fs::path& dir, const std::string& name, json arguments, bool dynamic, int64_t h, int64_t w) {
  auto model = loaded(std::move(arguments));
  segkit::exporter::OnnxExportOptions options;
  options.dynamic = dynamic;
  options.height = dynamic ? h - 64 : h;  // dynamic files run at a size other than the traced one
  options.width = dynamic ? w - 64 : w;
  options.batch = dynamic ? 1 : 2;
  segkit::exporter::export_onnx(model, options, dir / (name + ".onnx"));
  return manifest_entry(dir, name, *model.model, torch::randn({2, 3, h, w}), dynamic);
}

void write_correctness_cases(const fs::path& dir, json& manifest) {
  const std::vector<std::pair<std::string, json>> cases = {
      {"unet_resnet34", {{"arch", "unet"}, {"encoder_name", "resnet34"}}},
      {"unetplusplus_resnet18", {{"arch", "unetplusplus"}, {"encoder_name", "resnet18"}}},
      {"fpn_efficientnet-b0", {{"arch", "fpn"}, {"encoder_name", "efficientnet-b0"}}},
      {"pspnet_resnet34", {{"arch", "pspnet"}, {"encoder_name", "resnet34"}}},
      {"linknet_resnet18", {{"arch", "linknet"}, {"encoder_name", "resnet18"}}},
      {"deeplabv3_resnet18", {{"arch", "deeplabv3"}, {"encoder_name", "resnet18"}}},
      {"deeplabv3plus_resnext50", {{"arch", "deeplabv3plus"}, {"encoder_name", "resnext50_32x4d"}}},
      {"manet_resnet18", {{"arch", "manet"}, {"encoder_name", "resnet18"}}},
      {"pan_resnet18", {{"arch", "pan"}, {"encoder_name", "resnet18"}}},
      {"upernet_tu-regnety_002", {{"arch", "upernet"}, {"encoder_name", "tu-regnety_002"}}},
      {"segformer_mit_b0", {{"arch", "segformer"}, {"encoder_name", "mit_b0"}}},
      {"unet_tu-convnext_tiny", {{"arch", "unet"}, {"encoder_name", "tu-convnext_tiny"}}},
      {"fpn_densenet121", {{"arch", "fpn"}, {"encoder_name", "densenet121"}}},
      {"unet_timm-efficientnet-b1", {{"arch", "unet"}, {"encoder_name", "timm-efficientnet-b1"}}},
      {"dynamic_unet_resnet34_hc", {{"arch", "dynamic_unet"}, {"encoder_name", "resnet34"}, {"hypercolumns", true}}},
  };
  for (const auto& [name, arguments] : cases) {
    json with_classes = arguments;
    with_classes["classes"] = 3;
    bool dynamic = true;
    try {  // symbolic shapes where the architecture allows them, else fixed at the checked size
      manifest.push_back(write_case(dir, name, with_classes, true, 192, 256));
    } catch (const segkit::ExportError&) {
      dynamic = false;
      manifest.push_back(write_case(dir, name, with_classes, false, 192, 256));
    }
    std::printf("  %-28s %s\n", name.c_str(), dynamic ? "dynamic (traced 1x128x192), run at 2x192x256" : "fixed 2x192x256");
  }
}

void time_against_opencv(const fs::path& dir, json& manifest) {
  segkit::bench::print_header();
  for (const auto& [h, w] : std::vector<std::pair<int64_t, int64_t>>{{256, 1600}, {384, 576}}) {
    auto model = loaded({{"arch", "unet"}, {"encoder_name", "resnet34"}, {"classes", 4}});
    segkit::exporter::OnnxExportOptions options;
    options.height = h;
    options.width = w;
    const std::string name = "unet_resnet34_" + std::to_string(h) + "x" + std::to_string(w);
    segkit::exporter::export_onnx(model, options, dir / (name + ".onnx"));
    const auto input = torch::randn({1, 3, h, w});
    auto fast = segkit::models::inference_copy(*model.model);
    const double segkit_s = segkit::bench::median_seconds([&] { fast->predict(input); }, 10, 2);
    cv::dnn::Net net = cv::dnn::readNetFromONNX((dir / (name + ".onnx")).string());
    std::vector<int> dims{1, 3, static_cast<int>(h), static_cast<int>(w)};
    const cv::Mat blob(4, dims.data(), CV_32F, input.data_ptr<float>());
    const double opencv_s = segkit::bench::median_seconds([&] {
      net.setInput(blob, "image");
      net.forward("masks");
    }, 10, 2);
    segkit::bench::print_row(name + " vs OpenCV DNN", segkit_s, opencv_s);
    auto entry = manifest_entry(dir, name, *model.model, input, false);
    entry["segkit_ms"] = segkit_s * 1e3;
    entry["opencv_ms"] = opencv_s * 1e3;
    manifest.push_back(entry);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR [threads]\n", argv[0]);
    return 2;
  }
  const fs::path dir = argv[1];
  fs::create_directories(dir);
  segkit::nn::configure_threads(argc > 2 ? std::atoi(argv[2]) : 0);
  segkit::bench::print_machine();
  torch::manual_seed(0);
  json manifest = json::array();
  std::printf("exported for ONNX Runtime:\n");
  write_correctness_cases(dir, manifest);
  time_against_opencv(dir, manifest);
  std::ofstream(dir / "manifest.json") << manifest.dump(1);
  std::printf("cases in %s/manifest.json; next: node bench/export/onnxruntime_check.js %s\n", dir.c_str(), dir.c_str());
  return 0;
}
