#include "segkit/encoders/efficientnet_blocks.h"

#include <torch/nn/modules/linear.h>

#include <cmath>
#include "segkit/nn/batchnorm.h"

namespace segkit::encoders {

int64_t round_filters(int64_t filters, double width_coefficient) {
  constexpr int64_t kDivisor = 8;
  const double scaled = static_cast<double>(filters) * width_coefficient;
  int64_t rounded = std::max<int64_t>(kDivisor, static_cast<int64_t>(scaled + kDivisor / 2.0) / kDivisor * kDivisor);
  if (rounded < 0.9 * scaled) rounded += kDivisor;  // never round down by more than 10%
  return rounded;
}

int round_repeats(int repeats, double depth_coefficient) {
  return static_cast<int>(std::ceil(depth_coefficient * repeats));
}

nn::BatchNorm2d efficientnet_batch_norm(int64_t channels) {
  return nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(channels).eps(1e-3).momentum(0.01));
}

MBConvBlockImpl::MBConvBlockImpl(const MBConvArgs& args, int64_t image_size)
    : has_expansion_(args.expand_ratio != 1),
      has_se_(args.se_ratio > 0 && args.se_ratio <= 1),
      has_skip_(args.stride == 1 && args.input_filters == args.output_filters) {
  using torch::nn::Conv2dOptions;
  const int64_t expanded = args.input_filters * args.expand_ratio;
  if (has_expansion_) {
    expand_conv_ = register_module(
        "_expand_conv", SameConv2d(Conv2dOptions(args.input_filters, expanded, 1).bias(false), image_size, image_size));
    bn0_ = register_module("_bn0", efficientnet_batch_norm(expanded));
  }
  depthwise_conv_ = register_module(
      "_depthwise_conv",
      SameConv2d(Conv2dOptions(expanded, expanded, args.kernel_size).stride(args.stride).groups(expanded).bias(false),
                 image_size, image_size));
  bn1_ = register_module("_bn1", efficientnet_batch_norm(expanded));
  if (has_se_) {
    const int64_t squeezed = std::max<int64_t>(1, static_cast<int64_t>(args.input_filters * args.se_ratio));
    se_reduce_ = register_module("_se_reduce", SameConv2d(Conv2dOptions(expanded, squeezed, 1), 1, 1));
    se_expand_ = register_module("_se_expand", SameConv2d(Conv2dOptions(squeezed, expanded, 1), 1, 1));
  }
  const int64_t output_size = same_output_size(image_size, args.stride);
  project_conv_ = register_module(
      "_project_conv",
      SameConv2d(Conv2dOptions(expanded, args.output_filters, 1).bias(false), output_size, output_size));
  bn2_ = register_module("_bn2", efficientnet_batch_norm(args.output_filters));
}

torch::Tensor MBConvBlockImpl::forward(const torch::Tensor& inputs, double drop_connect) {
  torch::Tensor x = inputs;
  if (has_expansion_) x = torch::silu(bn0_->forward(expand_conv_->forward(inputs)));
  x = torch::silu(bn1_->forward(depthwise_conv_->forward(x)));
  if (has_se_) {
    torch::Tensor squeezed = torch::adaptive_avg_pool2d(x, {1, 1});
    squeezed = se_expand_->forward(torch::silu(se_reduce_->forward(squeezed)));
    x = torch::sigmoid(squeezed) * x;
  }
  x = bn2_->forward(project_conv_->forward(x));
  if (!has_skip_) return x;
  if (is_training() && drop_connect > 0) {
    // Stochastic depth per sample: keep with probability 1 - p, rescale the kept ones.
    const double keep = 1.0 - drop_connect;
    torch::Tensor mask = torch::floor(keep + torch::rand({x.size(0), 1, 1, 1}, x.options()));
    x = x / keep * mask;
  }
  return x + inputs;
}

}  // namespace segkit::encoders
