#pragma once
// TensorFlow "SAME" convolution as SMP's EfficientNet port builds it (Conv2dStaticSamePadding): the
// padding is computed once from the nominal image size and the stride, not from the actual input,
// and is asymmetric when odd (left/top gets the smaller half). A Conv2d subclass, so its parameters
// are `weight`/`bias` like any conv and the first-conv and dilation helpers find it.

#include <torch/nn/modules/conv.h>

#include <array>

namespace segkit::encoders {

class SameConv2dImpl : public torch::nn::Conv2dImpl {
 public:
  /// `options` must have padding 0; (image_h, image_w) is the nominal input size of this layer.
  SameConv2dImpl(torch::nn::Conv2dOptions options, int64_t image_h, int64_t image_w);
  torch::Tensor forward(const torch::Tensor& x);
  /// Dilation replaces the static padding by the conv's own symmetric padding (SMP does the same).
  void drop_static_padding() { padding_ = {0, 0, 0, 0}; }

 private:
  std::array<int64_t, 4> padding_{};  // left, right, top, bottom
};
TORCH_MODULE(SameConv2d);

/// ceil(size / stride), the output size of a SAME conv.
inline int64_t same_output_size(int64_t size, int64_t stride) { return (size + stride - 1) / stride; }

}  // namespace segkit::encoders
