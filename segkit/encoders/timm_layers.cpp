#include "segkit/encoders/timm_layers.h"

#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace segkit::encoders {

TimmConv2dImpl::TimmConv2dImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t groups, bool bias,
                               bool same)
    : torch::nn::Conv2dImpl(torch::nn::Conv2dOptions(in, out, kernel)
                                .stride(stride)
                                .padding(same && stride > 1 ? 0 : ((stride - 1) + (kernel - 1)) / 2)
                                .groups(groups)
                                .bias(bias)),
      dynamic_same_(same && stride > 1) {}

torch::Tensor TimmConv2dImpl::forward(const torch::Tensor& x) {
  if (!dynamic_same_) return torch::nn::Conv2dImpl::forward(x);
  const auto pad = [&](int64_t size, int dim) {
    const int64_t k = options.kernel_size()->at(dim), s = options.stride()->at(dim), d = options.dilation()->at(dim);
    return std::max<int64_t>(((size + s - 1) / s - 1) * s + (k - 1) * d + 1 - size, 0);
  };
  const int64_t pad_h = pad(x.size(2), 0), pad_w = pad(x.size(3), 1);
  return torch::nn::Conv2dImpl::forward(
      torch::constant_pad_nd(x, {pad_w / 2, pad_w - pad_w / 2, pad_h / 2, pad_h - pad_h / 2}, 0.0));
}

torch::Tensor drop_path(const torch::Tensor& x, double rate, bool training) {
  if (!training || rate <= 0) return x;
  const double keep = 1.0 - rate;
  std::vector<int64_t> shape(static_cast<size_t>(x.dim()), 1);
  shape[0] = x.size(0);
  return x * torch::empty(shape, x.options()).bernoulli_(keep).div_(keep);
}

void init_convs_fan_out(torch::nn::Module& root) {
  torch::NoGradGuard no_grad;
  for (const auto& module : root.modules(/*include_self=*/false)) {
    auto* conv = module->as<torch::nn::Conv2dImpl>();
    if (conv == nullptr) continue;
    const auto& k = conv->options.kernel_size();
    const double fan_out = static_cast<double>(k->at(0) * k->at(1) * conv->options.out_channels() / conv->options.groups());
    conv->weight.normal_(0.0, std::sqrt(2.0 / fan_out));
    if (conv->bias.defined()) conv->bias.zero_();
  }
}

void init_truncated_normal(torch::nn::Module& root, bool convs) {
  torch::NoGradGuard no_grad;
  for (const auto& module : root.modules(/*include_self=*/false)) {
    torch::Tensor weight, bias;
    if (auto* linear = module->as<torch::nn::LinearImpl>()) {
      weight = linear->weight;
      bias = linear->bias;
    } else if (auto* conv = module->as<torch::nn::Conv2dImpl>(); conv != nullptr && convs) {
      weight = conv->weight;
      bias = conv->bias;
    } else {
      continue;
    }
    weight.normal_(0.0, 0.02).clamp_(-2.0, 2.0);
    if (bias.defined()) bias.zero_();
  }
}

torch::Tensor channel_layer_norm(torch::nn::LayerNorm& norm, const torch::Tensor& x) {
  return norm->forward(x.permute({0, 2, 3, 1})).permute({0, 3, 1, 2});
}

}  // namespace segkit::encoders
