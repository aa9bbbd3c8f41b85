#pragma once
// SMP's DeepLab building blocks (decoders/deeplabv3/decoder.py), as Sequentials so the state_dict
// keys match:
//   SeparableConv2d  Sequential(depthwise conv (groups = in, no bias), pointwise 1x1 conv)
//   ASPP             convs.0 = 1x1 conv + BN + ReLU; convs.1-3 = 3x3 atrous conv (or separable) + BN +
//                    ReLU at the three rates; convs.4 = image pooling (avgpool, 1x1 conv, BN, ReLU,
//                    bilinear back to the input size, align_corners=False); then project = 1x1 conv
//                    + BN + ReLU + Dropout over the five concatenated branches.

#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/container/sequential.h>

#include <vector>

#include "segkit/nn/conv2d_relu.h"

namespace segkit::models {

nn::SequentialBlock separable_conv2d(int64_t in_channels, int64_t out_channels, int64_t kernel_size,
                                     int64_t padding = 0, int64_t dilation = 1, bool bias = true);

struct AsppOptions {
  std::vector<int64_t> atrous_rates = {12, 24, 36};
  bool separable = false;
  double dropout = 0.5;
};

class AsppImpl : public torch::nn::Module {
 public:
  AsppImpl(int64_t in_channels, int64_t out_channels, const AsppOptions& options);
  torch::Tensor forward(torch::Tensor x);

 private:
  std::vector<nn::SequentialBlock> convs_;
  nn::SequentialBlock project_{nullptr};
};
TORCH_MODULE(Aspp);

}  // namespace segkit::models
