#pragma once
// Building blocks of SMP's own EfficientNet (the lukemelas port, encoders/_efficientnet.py): the
// scaling rules and the MBConv block. Names: _expand_conv, _bn0, _depthwise_conv, _bn1, _se_reduce,
// _se_expand, _project_conv, _bn2. BatchNorm eps 1e-3, momentum 0.01; Swish is SiLU; the SE squeeze
// width is input_filters * se_ratio (not the expanded width).

#include <torch/nn/modules/batchnorm.h>

#include "segkit/encoders/same_conv2d.h"
#include "segkit/nn/batchnorm.h"

namespace segkit::encoders {

struct MBConvArgs {
  int repeats;
  int64_t kernel_size;
  int64_t stride;
  int64_t expand_ratio;
  int64_t input_filters;
  int64_t output_filters;
  double se_ratio;  // 0: no squeeze-and-excitation
};

struct EfficientNetScaling {
  double width;
  double depth;
  int64_t image_size;
};

/// round_filters / round_repeats of the reference implementation (depth divisor 8).
int64_t round_filters(int64_t filters, double width_coefficient);
int round_repeats(int repeats, double depth_coefficient);

class MBConvBlockImpl : public torch::nn::Module {
 public:
  /// `image_size` is the nominal input size of the block (static SAME padding is computed from it).
  MBConvBlockImpl(const MBConvArgs& args, int64_t image_size);
  /// `drop_connect` is the drop probability of the residual branch (used in training mode only).
  torch::Tensor forward(const torch::Tensor& inputs, double drop_connect);

 private:
  bool has_expansion_, has_se_, has_skip_;
  SameConv2d expand_conv_{nullptr}, depthwise_conv_{nullptr}, se_reduce_{nullptr}, se_expand_{nullptr},
      project_conv_{nullptr};
  nn::BatchNorm2d bn0_{nullptr}, bn1_{nullptr}, bn2_{nullptr};
};
TORCH_MODULE(MBConvBlock);

/// BatchNorm2d with the EfficientNet constants (eps 1e-3, momentum 0.01).
nn::BatchNorm2d efficientnet_batch_norm(int64_t channels);

}  // namespace segkit::encoders
