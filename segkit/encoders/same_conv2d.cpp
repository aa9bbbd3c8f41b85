#include "segkit/encoders/same_conv2d.h"

#include <torch/nn/functional/padding.h>

namespace segkit::encoders {

SameConv2dImpl::SameConv2dImpl(torch::nn::Conv2dOptions options, int64_t image_h, int64_t image_w)
    : torch::nn::Conv2dImpl(options) {
  const auto kernel = options.kernel_size();
  const auto stride = options.stride();
  const auto dilation = options.dilation();
  const auto pad_for = [](int64_t size, int64_t k, int64_t s, int64_t d) {
    const int64_t out = same_output_size(size, s);
    return std::max<int64_t>((out - 1) * s + (k - 1) * d + 1 - size, 0);
  };
  const int64_t pad_h = pad_for(image_h, kernel->at(0), stride->at(0), dilation->at(0));
  const int64_t pad_w = pad_for(image_w, kernel->at(1), stride->at(1), dilation->at(1));
  padding_ = {pad_w / 2, pad_w - pad_w / 2, pad_h / 2, pad_h - pad_h / 2};
}

torch::Tensor SameConv2dImpl::forward(const torch::Tensor& x) {
  if (padding_ == std::array<int64_t, 4>{0, 0, 0, 0}) return torch::nn::Conv2dImpl::forward(x);
  namespace F = torch::nn::functional;
  auto padded = F::pad(x, F::PadFuncOptions({padding_[0], padding_[1], padding_[2], padding_[3]}));
  return torch::nn::Conv2dImpl::forward(padded);
}

}  // namespace segkit::encoders
