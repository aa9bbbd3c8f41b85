#pragma once
// A trained model as an ONNX file that runs without segkit or LibTorch: ONNX Runtime, TensorRT,
// OpenVINO, OpenCV's DNN module (docs/export.md).
//
//   auto models = segkit::infer::load_models("runs/steel/fold0/best", {});
//   segkit::exporter::OnnxExportOptions options;
//   options.height = 256, options.width = 1600;
//   segkit::exporter::export_onnx(models.front(), options, "steel.onnx");
//
// The graph is the inference copy of the model (BatchNorm folded into the convolutions) traced by
// LibTorch's tracer and converted op by op (aten_converters.h). Input "image": float32 [N, C, H, W],
// preprocessed as the metadata says; outputs "masks" [N, K, H, W] (logits, or probabilities with an
// activation) and, for models with a classification head, "labels" [N, K].
//
// Metadata (metadata_props, all strings; JSON where structured): segkit.arch, segkit.encoder,
// segkit.mode, segkit.classes, segkit.activation, segkit.input_size ("HxW" traced), segkit.dynamic,
// segkit.preprocess (the run's validation transform list), segkit.mean / segkit.std /
// segkit.max_pixel_value (its Normalize, for runtimes that only take these three).

#include <filesystem>
#include <string>

#include "segkit/export/onnx_proto.h"
#include "segkit/infer/predictor.h"

namespace segkit::exporter {

struct OnnxExportOptions {
  int64_t height = 256, width = 256;  ///< the traced input size (multiples of 32 for most architectures)
  int64_t batch = 1;
  int64_t opset = 13;                 ///< 13..17; the graph uses opset-13 operators in every case
  /// Symbolic batch, height and width (dynamic_shapes.h); refused for models that cannot have them.
  bool dynamic = false;
  /// "none" (logits), "sigmoid", "softmax" (over classes), or "auto": the model's mode (softmax for
  /// multiclass, else sigmoid). The classification head's output gets a sigmoid with any but "none".
  std::string activation = "none";
};

/// `activation` with "auto" resolved by the model's mode.
std::string resolved_activation(const infer::LoadedModel& model, const std::string& activation);

/// The graph's outputs: "masks", plus "labels" when every model has a classification head; a
/// classifier's: "labels" only.
std::vector<std::string> exported_output_names(const std::vector<models::SegmentationModel>& models);

/// What the exported graph computes, in segkit: each model's masks (and class labels, when every model
/// has a head; a classifier's labels alone) through the resolved activation, averaged over the models.
std::vector<torch::Tensor> exported_forward(const std::vector<models::SegmentationModel>& models,
                                            const std::string& activation, const torch::Tensor& input);

/// The ONNX model of `models` (weights, graph, metadata): one model, or a fold ensemble whose
/// probabilities are averaged as `segkit predict` does (an activation other than "none" required,
/// same classes and mode). Throws ExportError for an operator or a shape ONNX cannot express,
/// ConfigError for bad options.
OnnxModel build_onnx_model(const std::vector<infer::LoadedModel>& models, const OnnxExportOptions& options);

/// build_onnx_model written to `path` atomically.
void export_onnx(const std::vector<infer::LoadedModel>& models, const OnnxExportOptions& options,
                 const std::filesystem::path& path);
inline void export_onnx(const infer::LoadedModel& model, const OnnxExportOptions& options,
                        const std::filesystem::path& path) {
  export_onnx(std::vector<infer::LoadedModel>{model}, options, path);
}

}  // namespace segkit::exporter
