#pragma once
// Runs an exported ONNX file in OpenCV's DNN module: the check that an export works outside segkit
// (segkit export --verify, the export tests). OpenCV's importer supports a subset of ONNX; what it
// refuses comes back as an ExportError with OpenCV's own message.
//
//   auto outputs = run_with_opencv_dnn("model.onnx", images, {"masks"});
//   auto check = check_with_opencv_dnn(loaded, options, "model.onnx");   // check.passed

#include <torch/torch.h>

#include <filesystem>
#include <string>
#include <vector>

#include "segkit/export/onnx_export.h"

namespace segkit::exporter {

/// `input` float32 [N, C, H, W]; returns the named outputs as float32 CPU tensors, in order.
std::vector<torch::Tensor> run_with_opencv_dnn(const std::filesystem::path& onnx, const torch::Tensor& input,
                                               const std::vector<std::string>& outputs);

struct OnnxCheck {
  double max_abs_diff = 0;  ///< over every output element
  double reference_std = 0;
  /// max_abs_diff <= 1e-4 * max(1, reference_std)
  bool passed = false;
};

/// Runs the file `export_onnx(models, options, onnx)` wrote in OpenCV's DNN module on a seeded N(0, 1)
/// input of the exported shape and compares every output with segkit's own forward pass.
OnnxCheck check_with_opencv_dnn(const std::vector<infer::LoadedModel>& models, const OnnxExportOptions& options,
                                const std::filesystem::path& onnx);
inline OnnxCheck check_with_opencv_dnn(const infer::LoadedModel& model, const OnnxExportOptions& options,
                                       const std::filesystem::path& onnx) {
  return check_with_opencv_dnn(std::vector<infer::LoadedModel>{model}, options, onnx);
}

}  // namespace segkit::exporter
