#pragma once
// SMP's heads (base/heads.py), as Sequentials so the state_dict indices match:
//   SegmentationHead    = Sequential(Conv2d(k, padding k/2, bias), Upsample or Identity, Activation)
//                         -> keys segmentation_head.0.weight / .0.bias
//   ClassificationHead  = Sequential(AdaptiveAvg/MaxPool2d(1), Flatten, Dropout or Identity, Linear,
//                         Activation) -> keys classification_head.3.weight / .3.bias
// Upsampling is bilinear with align_corners=True, as in SMP.

#include <torch/nn/modules/container/sequential.h>

#include <string>

namespace segkit::nn {

torch::nn::Sequential segmentation_head(int64_t in_channels, int64_t out_channels, int64_t kernel_size = 3,
                                        const std::string& activation = "", int64_t upsampling = 1);

/// SMP's `aux_params`: {classes, pooling: avg|max, dropout, activation}.
struct AuxParams {
  int64_t classes = 1;
  std::string pooling = "avg";
  double dropout = 0.2;
  std::string activation;
};

torch::nn::Sequential classification_head(int64_t in_channels, const AuxParams& params);

}  // namespace segkit::nn
