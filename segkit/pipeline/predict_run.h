#pragma once
// `segkit predict` as a library call: models -> probabilities -> post-processed masks, streamed image
// by image over any image source, into a prediction directory (submit/prediction_dir.h):
//
//   OUT/index.json, OUT/masks/<stem>/<class>.png        binary masks at the original resolution
//   OUT/labels/<stem>.png                                multiclass models with --save labels: the
//                                                        argmax class index per pixel (8-bit)
//   OUT/probabilities/<stem>.safetensors                 with --save probs|both: uint8 K x H x W
//                                                        (round(p * 255)) and, for models with a
//                                                        classification head, float32 `labels` (K)
//   OUT/class_probabilities.csv                          classifiers only (arch: classifier): id and one
//                                                        probability per class; their probability files
//                                                        hold `labels` only and index.json says "masks": false
//   OUT/geotiff/<stem>.tif                               GeoTIFF inputs (format: geotiff): the masks as
//                                                        Byte bands on the input's grid and CRS
//   OVERLAYS/<stem>.jpg                                  with overlays: the image with its masks drawn
//
//   PredictRequest request;
//   request.runs = {"runs/steel"}; request.input = "test_images"; request.out_dir = "pred";
//   auto summary = predict_to_directory(request);

#include <filesystem>
#include <optional>
#include <vector>

#include "segkit/infer/predictor.h"

namespace segkit::pipeline {

struct PredictRequest {
  std::vector<std::filesystem::path> runs{};  ///< run, fold or model directories; all are averaged
  std::filesystem::path input{};              ///< an image folder, or a config whose data: section to read
  std::filesystem::path out_dir{};
  infer::PredictorOptions predictor{};
  /// postprocess.yaml; absent: p > 0.5 per class. Multiclass models take the argmax (no rules).
  std::optional<std::filesystem::path> postprocess{};
  bool save_masks = true;
  bool save_probabilities = false;
  bool save_labels = false;  ///< multiclass models only
  std::optional<std::filesystem::path> overlays{};
};

struct PredictSummary {
  size_t images = 0;
  std::vector<std::string> classes{};
  /// Per class: images whose final mask is not empty (images an interrupted run already wrote count
  /// only when their masks were saved); classifiers: images whose class probability is above 0.5.
  std::vector<size_t> images_with_class{};
  bool masks = true;  ///< false: classifiers only
};

/// Throws ConfigError / IoError / DataError naming the culprit. The index is written last, so an
/// interrupted run leaves no index.json behind (readers refuse the directory).
PredictSummary predict_to_directory(const PredictRequest& request);

}  // namespace segkit::pipeline
