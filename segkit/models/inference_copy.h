#pragma once
// An inference-only copy of a model: BatchNorm folded into the convolutions that feed it (one pass
// less per conv layer) and, optionally, channels-last weights and activations (faster convolutions
// with oneDNN on CPU and tensor cores on GPU; docs/benchmarks.md has the figures). Outputs stay within
// the parity tolerance of the original; the copy must not be trained.
//
//   auto fast = segkit::models::inference_copy(*model);
//   torch::Tensor masks = fast->predict(images);

#include "segkit/models/segmentation_model.h"

namespace segkit::models {

struct InferenceOptions {
  bool fold_batchnorm = true;
  // On by default: 1.13-1.30x faster on CPU (oneDNN) for every model benchmarked.
  bool channels_last = true;
  /// bf16 weights and activations (float32 in and out): about 2x on CPUs with AVX512-BF16 and on GPUs,
  /// at a Dice cost measured in docs/benchmarks.md; fp16 on CUDA only. fp32 by default.
  nn::Precision precision = nn::Precision::kFloat32;
};

/// A new model of the same architecture, weights and device, in eval mode, optimised as `options` say.
SegmentationModel inference_copy(SegmentationModelImpl& model, const InferenceOptions& options = {});

}  // namespace segkit::models
