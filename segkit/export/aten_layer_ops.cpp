// Layers: convolutions, normalisations, pooling, resizing and activations.
#include <fmt/format.h>

#include <cmath>

#include "segkit/export/aten_converters.h"

namespace segkit::exporter {
namespace {

using torch::jit::Node;
using Ints = std::vector<int64_t>;

Ints symmetric_pads(const Ints& padding) { return {padding[0], padding[1], padding[0], padding[1]}; }

Ints pair_of(const Ints& values) { return values.size() == 1 ? Ints{values[0], values[0]} : values; }

// _convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups, ...)
void convolution(const Node& node, OnnxGraphBuilder& b) {
  const auto weight_sizes = b.sizes(node.input(1));
  if (weight_sizes.size() != 4) b.fail(node, "is not a 2-D convolution");
  std::vector<std::string> inputs{b.input(node, 0), b.input(node, 1)};
  if (!b.is_none(node, 2)) inputs.push_back(b.input(node, 2));
  std::vector<OnnxAttribute> attributes{{"kernel_shape", Ints{weight_sizes[2], weight_sizes[3]}},
                                        {"strides", pair_of(b.ints_arg(node, 3))},
                                        {"pads", symmetric_pads(pair_of(b.ints_arg(node, 4)))},
                                        {"dilations", pair_of(b.ints_arg(node, 5))},
                                        {"group", b.int_arg(node, 8)}};
  const bool transposed = b.bool_arg(node, 6);
  if (transposed) attributes.push_back({"output_padding", pair_of(b.ints_arg(node, 7))});
  b.bind(node.output(), b.add(transposed ? "ConvTranspose" : "Conv", inputs, attributes));
}

// Per-channel scale and shift from an optional weight/bias, shaped to broadcast over a rank-`rank`
// tensor along `axis` (full rank, the form OpenCV 4.6 broadcasts).
std::string channel_affine(const Node& node, OnnxGraphBuilder& b, std::string x, size_t weight, size_t bias,
                           int64_t axis, int64_t rank) {
  Ints shape(static_cast<size_t>(rank), 1);
  shape[static_cast<size_t>(axis)] = -1;
  const auto shaped = [&](size_t index) {
    if (const auto value = b.constant(node, index); value && value->isTensor()) {
      const auto t = value->toTensor().to(torch::kFloat).contiguous();
      shape[static_cast<size_t>(axis)] = t.numel();
      return b.floats(std::vector<float>(t.data_ptr<float>(), t.data_ptr<float>() + t.numel()), shape);
    }
    return b.add("Reshape", {b.input(node, index), b.int64s(shape)});
  };
  if (!b.is_none(node, weight)) x = b.add("Mul", {x, shaped(weight)});
  if (!b.is_none(node, bias)) x = b.add("Add", {x, shaped(bias)});
  return x;
}

// (x - mean) / sqrt(var + eps) over `axes`, in the ops every runtime has (LayerNormalization needs
// opset 17, which OpenCV 4.6 and older TensorRT lack).
std::string normalize_over(OnnxGraphBuilder& b, const std::string& x, const Ints& axes, double eps) {
  const auto mean = b.add("ReduceMean", {x}, {{"axes", axes}, {"keepdims", int64_t{1}}});
  const auto centred = b.add("Sub", {x, mean});
  const auto variance = b.add("ReduceMean", {b.add("Mul", {centred, centred})}, {{"axes", axes}, {"keepdims", int64_t{1}}});
  const auto deviation = b.add("Sqrt", {b.add("Add", {variance, b.float_scalar(static_cast<float>(eps))})});
  return b.add("Div", {centred, deviation});
}

// batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn)
void batch_norm(const Node& node, OnnxGraphBuilder& b) {
  if (b.bool_arg(node, 5)) b.fail(node, "is in training mode; export an eval() model");
  const int64_t channels = b.sizes(node.input(0)).at(1);
  const auto parameter = [&](size_t index, float fill) {
    return b.is_none(node, index) ? b.floats(std::vector<float>(channels, fill), {channels}) : b.input(node, index);
  };
  b.bind(node.output(), b.add("BatchNormalization",
                              {b.input(node, 0), parameter(1, 1.f), parameter(2, 0.f), b.input(node, 3), b.input(node, 4)},
                              {{"epsilon", static_cast<float>(b.float_arg(node, 7))}}));
}

// layer_norm(input, normalized_shape, weight, bias, eps, cudnn): over the trailing dimensions. The
// affine part runs with the channels moved to axis 1 and back: OpenCV 4.6 applies constant factors
// along axis 1 only, and runtimes that optimise fold the two transposes into their neighbours.
void layer_norm(const Node& node, OnnxGraphBuilder& b) {
  // Positive axes: OpenCV 4.6's reductions mis-size negative ones.
  const auto normalized = b.ints_arg(node, 1);
  const auto rank = static_cast<int64_t>(b.sizes(node.input(0)).size());
  if (normalized.size() != 1) b.fail(node, "normalises over several dimensions; segkit exports the last one only");
  const auto x = normalize_over(b, b.input(node, 0), {rank - 1}, b.float_arg(node, 4));
  if (rank <= 2) return b.bind(node.output(), channel_affine(node, b, x, 2, 3, rank - 1, rank));
  Ints to_channels(static_cast<size_t>(rank)), back(static_cast<size_t>(rank));
  to_channels[0] = 0, to_channels[1] = rank - 1;
  for (int64_t d = 2; d < rank; ++d) to_channels[static_cast<size_t>(d)] = d - 1;
  for (int64_t d = 0; d < rank; ++d) back[static_cast<size_t>(to_channels[static_cast<size_t>(d)])] = d;
  const auto channels_first = b.add("Transpose", {x}, {{"perm", to_channels}});
  const auto scaled = channel_affine(node, b, channels_first, 2, 3, 1, rank);
  b.bind(node.output(), b.add("Transpose", {scaled}, {{"perm", back}}));
}

// group_norm(input, num_groups, weight, bias, eps, cudnn) without reshapes, so no shape arithmetic
// (which OpenCV cannot run on symbolic sizes): per-channel spatial means averaged within each group
// by a constant 1x1 convolution, for the mean and for the centred second moment. Every channel of a
// group has H*W pixels, so the average of channel means is the group mean.
void group_norm(const Node& node, OnnxGraphBuilder& b) {
  const auto x = b.input(node, 0);
  const auto sizes = b.sizes(node.input(0));
  if (sizes.size() != 4) b.fail(node, "is not over an [N, C, H, W] tensor");
  const int64_t channels = sizes[1], groups = b.int_arg(node, 1), per_group = channels / groups;
  std::vector<float> averaging(static_cast<size_t>(channels * channels), 0.f);
  for (int64_t out = 0; out < channels; ++out) {
    for (int64_t in = (out / per_group) * per_group; in < (out / per_group + 1) * per_group; ++in) {
      averaging[static_cast<size_t>(out * channels + in)] = 1.f / static_cast<float>(per_group);
    }
  }
  const auto group_average = b.floats(averaging, {channels, channels, 1, 1});
  const auto group_mean = [&](const std::string& t) { 
    return b.add("Conv", {b.add("GlobalAveragePool", {t}), group_average}, {{"kernel_shape", Ints{1, 1}}});
  };
  const auto centred = b.add("Sub", {x, group_mean(x)});
  const auto variance = group_mean(b.add("Mul", {centred, centred}));
  const auto deviation = b.add("Sqrt", {b.add("Add", {variance, b.float_scalar(static_cast<float>(b.float_arg(node, 4)))})});
  b.bind(node.output(), channel_affine(node, b, b.add("Div", {centred, deviation}), 2, 3, 1, 4));
}

// max_pool2d(self, kernel_size, stride, padding, dilation, ceil_mode)
void max_pool2d(const Node& node, OnnxGraphBuilder& b) {
  const auto kernel = pair_of(b.ints_arg(node, 1));
  auto stride = b.ints_arg(node, 2);
  b.bind(node.output(), b.add("MaxPool", {b.input(node, 0)},
                              {{"kernel_shape", kernel},
                               {"strides", stride.empty() ? kernel : pair_of(stride)},
                               {"pads", symmetric_pads(pair_of(b.ints_arg(node, 3)))},
                               {"dilations", pair_of(b.ints_arg(node, 4))},
                               {"ceil_mode", int64_t{b.bool_arg(node, 5)}}}));
}

// avg_pool2d(self, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)
void avg_pool2d(const Node& node, OnnxGraphBuilder& b) {
  if (!b.is_none(node, 6)) b.fail(node, "has a divisor_override, which ONNX AveragePool cannot express");
  const auto kernel = pair_of(b.ints_arg(node, 1));
  auto stride = b.ints_arg(node, 2);
  b.bind(node.output(), b.add("AveragePool", {b.input(node, 0)},
                              {{"kernel_shape", kernel},
                               {"strides", stride.empty() ? kernel : pair_of(stride)},
                               {"pads", symmetric_pads(pair_of(b.ints_arg(node, 3)))},
                               {"ceil_mode", int64_t{b.bool_arg(node, 4)}},
                               {"count_include_pad", int64_t{b.bool_arg(node, 5)}}}));
}

// PyTorch's adaptive average pooling along one axis as a [in, out] averaging matrix: bin i covers
// [floor(i * in / out), ceil((i + 1) * in / out)).
std::vector<float> adaptive_bins(int64_t in, int64_t out) {
  std::vector<float> matrix(static_cast<size_t>(in * out), 0.f);
  for (int64_t i = 0; i < out; ++i) {
    const int64_t start = (i * in) / out, end = ((i + 1) * in + out - 1) / out;
    for (int64_t j = start; j < end; ++j) matrix[static_cast<size_t>(j * out + i)] = 1.f / static_cast<float>(end - start);
  }
  return matrix;
}

// adaptive_avg_pool2d(self, output_size): global pooling; else, at a fixed input size, a plain pooling
// when the bins are equal and the exact (separable) bin averages as two matrix products when not.
void adaptive_avg_pool2d(const Node& node, OnnxGraphBuilder& b) {
  const auto in = b.sizes(node.input(0));
  const auto out = pair_of(b.ints_arg(node, 1));
  const int64_t h = in[in.size() - 2], w = in[in.size() - 1];
  const auto x = b.input(node, 0);
  if (out[0] == 1 && out[1] == 1) {
    b.bind(node.output(), b.add("GlobalAveragePool", {x}));
  } else if (b.policy().dynamic) {
    b.fail(node, fmt::format("pools into {}x{} bins whose size follows the input's, which a fixed ONNX pooling "
                             "cannot express; export without --dynamic",
                             out[0], out[1]));
  } else if (h % out[0] == 0 && w % out[1] == 0) {
    const Ints kernel{h / out[0], w / out[1]};
    b.bind(node.output(), b.add("AveragePool", {x}, {{"kernel_shape", kernel}, {"strides", kernel}}));
  } else {  // constant matrices second: OpenCV reads MatMul(x, constant) as a fully connected layer
    const Ints swap{0, 1, 3, 2};
    const auto columns = b.add("MatMul", {x, b.floats(adaptive_bins(w, out[1]), {w, out[1]})});
    const auto transposed = b.add("Transpose", {columns}, {{"perm", swap}});
    const auto rows = b.add("MatMul", {transposed, b.floats(adaptive_bins(h, out[0]), {h, out[0]})});
    b.bind(node.output(), b.add("Transpose", {rows}, {{"perm", swap}}));
  }
}

// adaptive_max_pool2d(self, output_size) -> (values, indices); the classification head's 1x1 only.
void adaptive_max_pool2d(const Node& node, OnnxGraphBuilder& b) {
  const auto out = pair_of(b.ints_arg(node, 1));
  if (out[0] != 1 || out[1] != 1) b.fail(node, "exports only as a global (1x1) max pooling");
  if (node.outputs().size() > 1 && node.output(1)->hasUses()) b.fail(node, "indices are used");
  b.bind(node.output(0), b.add("GlobalMaxPool", {b.input(node, 0)}));
}

// upsample_*2d(input, output_size, [align_corners,] scale_factors): ONNX Resize. Integer ratios go
// as scales (valid for any input size); other ratios as the traced output size.
void resize(const Node& node, OnnxGraphBuilder& b, const std::string& mode, const std::string& coordinates) {
  const auto in = b.sizes(node.input(0));
  const auto out = b.sizes(node.output());
  std::vector<float> scales;
  bool integral = true;
  for (size_t d = 0; d < in.size(); ++d) {
    integral = integral && out[d] % in[d] == 0;
    scales.push_back(static_cast<float>(out[d]) / static_cast<float>(in[d]));
  }
  std::vector<OnnxAttribute> attributes{{"mode", mode}, {"coordinate_transformation_mode", coordinates}};
  if (mode == "nearest") attributes.push_back({"nearest_mode", std::string("floor")});
  const auto empty = b.floats({}, {0});
  if (integral) {
    b.bind(node.output(), b.add("Resize", {b.input(node, 0), empty, b.floats(scales, {static_cast<int64_t>(scales.size())})},
                                attributes));
  } else if (b.policy().dynamic) {
    b.fail(node, fmt::format("resizes by a non-integer ratio ({}x{} -> {}x{}); export without --dynamic", in[2], in[3],
                             out[2], out[3]));
  } else {
    b.bind(node.output(), b.add("Resize", {b.input(node, 0), empty, empty, b.int64s(out)}, attributes));
  }
}

void upsample_nearest2d(const Node& node, OnnxGraphBuilder& b) { resize(node, b, "nearest", "asymmetric"); }

void upsample_bilinear2d(const Node& node, OnnxGraphBuilder& b) {
  resize(node, b, "linear", b.bool_arg(node, 2) ? "align_corners" : "pytorch_half_pixel");
}

template <const char* kOp>
void unary(const Node& node, OnnxGraphBuilder& b) {
  b.bind(node.output(), b.add(kOp, {b.input(node, 0)}));
}
constexpr char kRelu[] = "Relu", kSigmoid[] = "Sigmoid", kTanh[] = "Tanh", kSqrt[] = "Sqrt", kExp[] = "Exp",
               kNeg[] = "Neg", kErf[] = "Erf";

void silu(const Node& node, OnnxGraphBuilder& b) {
  const auto x = b.input(node, 0);
  b.bind(node.output(), b.add("Mul", {x, b.add("Sigmoid", {x})}));
}

// gelu(self, approximate): 'none' is x * (1 + erf(x / sqrt 2)) / 2, 'tanh' its tanh approximation.
void gelu(const Node& node, OnnxGraphBuilder& b) {
  const auto x = b.input(node, 0);
  const auto approximate = b.constant(node, 1);
  std::string inner;
  if (approximate && approximate->isString() && approximate->toStringRef() == "tanh") {
    const auto cube = b.add("Mul", {x, b.add("Mul", {x, x})});
    const auto poly = b.add("Add", {x, b.add("Mul", {cube, b.float_scalar(0.044715f)})});
    inner = b.add("Tanh", {b.add("Mul", {poly, b.float_scalar(static_cast<float>(std::sqrt(2.0 / M_PI)))})});
  } else {
    inner = b.add("Erf", {b.add("Div", {x, b.float_scalar(static_cast<float>(std::sqrt(2.0)))})});
  }
  const auto one_plus = b.add("Add", {inner, b.float_scalar(1.f)});
  b.bind(node.output(), b.add("Mul", {b.add("Mul", {x, one_plus}), b.float_scalar(0.5f)}));
}

// Clip with finite bounds as high - Relu(high - low - Relu(x - low)): OpenCV 4.6 reads only opset 6's
// Clip, whose bounds are attributes, and opset 11+ makes them inputs. Within one ulp of `high`.
void clip(const Node& node, OnnxGraphBuilder& b, float low, float high) {
  std::string x = b.input(node, 0);
  if (std::isinf(low) || std::isinf(high)) {
    b.bind(node.output(), b.add("Clip", {x, std::isinf(low) ? "" : b.float_scalar(low), std::isinf(high) ? "" : b.float_scalar(high)}));
    return;
  }
  if (low != 0.f) x = b.add("Sub", {x, b.float_scalar(low)});
  const auto lower = b.add("Relu", {x});
  const auto capped = b.add("Relu", {b.add("Sub", {b.float_scalar(high - low), lower})});
  b.bind(node.output(), b.add("Sub", {b.float_scalar(high), capped}));
}
void relu6(const Node& node, OnnxGraphBuilder& b) { clip(node, b, 0.f, 6.f); }
// hardtanh(self, min, max); clamp(self, min, max) with constant bounds.
void hardtanh(const Node& node, OnnxGraphBuilder& b) {
  clip(node, b, static_cast<float>(b.float_arg(node, 1)), static_cast<float>(b.float_arg(node, 2)));
}
void clamp(const Node& node, OnnxGraphBuilder& b) {
  const auto bound = [&](size_t index, float none) {
    return b.is_none(node, index) ? none : static_cast<float>(b.float_arg(node, index));
  };
  clip(node, b, bound(1, -INFINITY), bound(2, INFINITY));
}
void leaky_relu(const Node& node, OnnxGraphBuilder& b) {
  b.bind(node.output(), b.add("LeakyRelu", {b.input(node, 0)}, {{"alpha", static_cast<float>(b.float_arg(node, 1))}}));
}
void hardsigmoid(const Node& node, OnnxGraphBuilder& b) {
  b.bind(node.output(), b.add("HardSigmoid", {b.input(node, 0)}, {{"alpha", 1.f / 6.f}, {"beta", 0.5f}}));
}
void hardswish(const Node& node, OnnxGraphBuilder& b) {
  const auto x = b.input(node, 0);
  b.bind(node.output(), b.add("Mul", {x, b.add("HardSigmoid", {x}, {{"alpha", 1.f / 6.f}, {"beta", 0.5f}})}));
}
// softmax(self, dim, dtype) / log_softmax: opset 13's Softmax normalises along one axis, as torch.
void softmax(const Node& node, OnnxGraphBuilder& b) {
  b.bind(node.output(), b.add("Softmax", {b.input(node, 0)}, {{"axis", positive_dim(b.int_arg(node, 1), b.sizes(node.input(0)).size())}}));
}
void log_softmax(const Node& node, OnnxGraphBuilder& b) {
  b.bind(node.output(), b.add("LogSoftmax", {b.input(node, 0)}, {{"axis", positive_dim(b.int_arg(node, 1), b.sizes(node.input(0)).size())}}));
}

}  // namespace

void add_layer_converters(AtenConverterTable& table) {
  table["aten::_convolution"] = convolution;
  table["aten::batch_norm"] = batch_norm;
  table["aten::layer_norm"] = layer_norm;
  table["aten::group_norm"] = group_norm;
  table["aten::max_pool2d"] = max_pool2d;
  table["aten::avg_pool2d"] = avg_pool2d;
  table["aten::adaptive_avg_pool2d"] = adaptive_avg_pool2d;
  table["aten::adaptive_max_pool2d"] = adaptive_max_pool2d;
  table["aten::upsample_nearest2d"] = upsample_nearest2d;
  table["aten::upsample_bilinear2d"] = upsample_bilinear2d;
  for (const char* op : {"aten::relu", "aten::relu_"}) table[op] = unary<kRelu>;
  for (const char* op : {"aten::sigmoid", "aten::sigmoid_"}) table[op] = unary<kSigmoid>;
  for (const char* op : {"aten::tanh", "aten::tanh_"}) table[op] = unary<kTanh>;
  table["aten::sqrt"] = unary<kSqrt>;
  table["aten::exp"] = unary<kExp>;
  table["aten::neg"] = unary<kNeg>;
  table["aten::erf"] = unary<kErf>;
  for (const char* op : {"aten::silu", "aten::silu_"}) table[op] = silu;
  table["aten::gelu"] = gelu;
  for (const char* op : {"aten::relu6", "aten::relu6_"}) table[op] = relu6;
  for (const char* op : {"aten::hardtanh", "aten::hardtanh_"}) table[op] = hardtanh;
  for (const char* op : {"aten::clamp", "aten::clamp_"}) table[op] = clamp;
  for (const char* op : {"aten::leaky_relu", "aten::leaky_relu_"}) table[op] = leaky_relu;
  for (const char* op : {"aten::hardsigmoid", "aten::hardsigmoid_"}) table[op] = hardsigmoid;
  for (const char* op : {"aten::hardswish", "aten::hardswish_"}) table[op] = hardswish;
  table["aten::softmax"] = softmax;
  table["aten::log_softmax"] = log_softmax;
}

}  // namespace segkit::exporter
