// Tensor arithmetic and shape ops, and the ops that are the identity in an eval() graph.
#include <ATen/PadNd.h>
#include <fmt/format.h>

#include "segkit/export/aten_converters.h"

namespace segkit::exporter {
namespace {

using torch::jit::Node;
using Ints = std::vector<int64_t>;

void identity(const Node& node, OnnxGraphBuilder& b) { b.bind(node.output(), b.input(node, 0)); }

// dropout(input, p, train) / feature_dropout: the identity unless in training mode.
void dropout(const Node& node, OnnxGraphBuilder& b) {
  if (b.bool_arg(node, 2)) b.fail(node, "is in training mode; export an eval() model");
  identity(node, b);
}

// add/sub(self, other, alpha): other * alpha folded when alpha is not 1.
template <bool kSubtract>
void add_or_sub(const Node& node, OnnxGraphBuilder& b) {
  std::string other = b.input(node, 1);
  if (node.inputs().size() > 2) {
    const double alpha = b.float_arg(node, 2);
    if (alpha != 1.0) other = b.add("Mul", {other, b.float_scalar(static_cast<float>(alpha))});
  }
  b.bind(node.output(), b.add(kSubtract ? "Sub" : "Add", {b.input(node, 0), other}));
}

// rsub(self, other, alpha) = other - alpha * self
void rsub(const Node& node, OnnxGraphBuilder& b) {
  std::string self = b.input(node, 0);
  const double alpha = b.float_arg(node, 2);
  if (alpha != 1.0) self = b.add("Mul", {self, b.float_scalar(static_cast<float>(alpha))});
  b.bind(node.output(), b.add("Sub", {b.input(node, 1), self}));
}

template <const char* kOp>
void binary(const Node& node, OnnxGraphBuilder& b) {
  b.bind(node.output(), b.add(kOp, {b.input(node, 0), b.input(node, 1)}));
}
constexpr char kMul[] = "Mul", kDiv[] = "Div", kPow[] = "Pow";

// matmul/bmm. A product of two computed tensors ends in an Identity: OpenCV 4.6 fuses a following
// scalar Mul (attention's scale) into its MatMul layer and then drops it; the Identity keeps them
// apart and every runtime removes it.
void matmul(const Node& node, OnnxGraphBuilder& b) {
  auto product = b.add("MatMul", {b.input(node, 0), b.input(node, 1)});
  if (!b.constant(node, 0) && !b.constant(node, 1)) product = b.add("Identity", {product});
  b.bind(node.output(), product);
}

// div(self, other, rounding_mode): only true division.
void divide(const Node& node, OnnxGraphBuilder& b) {
  if (node.inputs().size() > 2 && !b.is_none(node, 2)) b.fail(node, "rounds; only true division exports");
  binary<kDiv>(node, b);
}

// linear(input, weight, bias) = input @ weight^T + bias
void linear(const Node& node, OnnxGraphBuilder& b) {
  auto y = b.add("MatMul", {b.input(node, 0), b.add("Transpose", {b.input(node, 1)}, {{"perm", Ints{1, 0}}})});
  if (!b.is_none(node, 2)) y = b.add("Add", {y, b.input(node, 2)});
  b.bind(node.output(), y);
}

// addmm(self, mat1, mat2, beta, alpha) = beta * self + alpha * mat1 @ mat2. A Linear layer's weight
// goes back to [out, in] with transB, the form OpenCV's importer reads.
void addmm(const Node& node, OnnxGraphBuilder& b) {
  std::vector<OnnxAttribute> attributes{{"beta", static_cast<float>(b.float_arg(node, 3))},
                                        {"alpha", static_cast<float>(b.float_arg(node, 4))}};
  std::string mat2 = b.input(node, 2);
  if (const auto weight = b.constant(node, 2); weight && weight->isTensor()) {
    const auto w = weight->toTensor().t().contiguous().to(torch::kFloat);
    mat2 = b.floats(std::vector<float>(w.data_ptr<float>(), w.data_ptr<float>() + w.numel()), {w.size(0), w.size(1)});
    attributes.push_back({"transB", int64_t{1}});
  }
  b.bind(node.output(), b.add("Gemm", {b.input(node, 1), mat2, b.input(node, 0)}, attributes));
}

// The tensors of a prim::ListConstruct argument.
std::vector<const torch::jit::Value*> tensor_list(const Node& node, size_t index, OnnxGraphBuilder& b) {
  const auto* list = node.input(index)->node();
  if (list->kind() != c10::prim::ListConstruct) b.fail(node, "takes a tensor list segkit cannot follow");
  return {list->inputs().begin(), list->inputs().end()};
}

bool is_empty(const torch::jit::Value* value, OnnxGraphBuilder& b) {
  const auto sizes = b.sizes(value);
  return std::find(sizes.begin(), sizes.end(), 0) != sizes.end();
}

// cat(tensors, dim), without empty tensors (encoders with no stride-2 feature give a 0-channel one,
// which some runtimes cannot concatenate).
void cat(const Node& node, OnnxGraphBuilder& b) {
  std::vector<std::string> names;
  for (const auto* value : tensor_list(node, 0, b)) {
    if (!is_empty(value, b)) names.push_back(b.name(value));
  }
  if (names.size() == 1) return b.bind(node.output(), names.front());
  const int64_t axis = positive_dim(b.int_arg(node, 1), b.sizes(node.output()).size());
  b.bind(node.output(), b.add("Concat", names, {{"axis", axis}}));
}

// stack(tensors, dim) = cat of unsqueezed tensors
void stack(const Node& node, OnnxGraphBuilder& b) {
  const int64_t dim = positive_dim(b.int_arg(node, 1), b.sizes(node.output()).size());
  std::vector<std::string> unsqueezed;
  for (const auto* value : tensor_list(node, 0, b)) unsqueezed.push_back(b.add("Unsqueeze", {b.name(value), b.int64s({dim})}));
  b.bind(node.output(), b.add("Concat", unsqueezed, {{"axis", dim}}));
}

// sum/mean(self, dim, keepdim, dtype): ReduceSum takes axes as an input from opset 13, ReduceMean as an
// attribute until 18.
void reduce(const Node& node, OnnxGraphBuilder& b, bool mean) {
  if (b.is_none(node, 1)) b.fail(node, "reduces over every dimension; segkit exports reductions over given ones");
  const auto axes = b.ints_arg(node, 1);
  const int64_t keepdims = b.bool_arg(node, 2);
  if (mean) {
    b.bind(node.output(), b.add("ReduceMean", {b.input(node, 0)}, {{"axes", axes}, {"keepdims", keepdims}}));
  } else {
    b.bind(node.output(), b.add("ReduceSum", {b.input(node, 0), b.int64s(axes)}, {{"keepdims", keepdims}}));
  }
}

// sum(stack(xs, d), d), FPN's merge, is a chain of Adds: fewer ops, and runtimes without opset-13
// ReduceSum (OpenCV 4.6) run it.
void sum(const Node& node, OnnxGraphBuilder& b) {
  const auto* producer = node.input(0)->node();
  if (producer->kind() == c10::aten::stack && !b.is_none(node, 1) && !b.bool_arg(node, 2)) {
    const auto axes = b.ints_arg(node, 1);
    const int64_t rank = static_cast<int64_t>(b.sizes(node.input(0)).size());
    if (axes.size() == 1 && positive_dim(axes[0], rank) == positive_dim(b.int_arg(*producer, 1), rank)) {
      const auto terms = tensor_list(*producer, 0, b);
      std::string total = b.name(terms.front());
      for (size_t i = 1; i < terms.size(); ++i) total = b.add("Add", {total, b.name(terms[i])});
      return b.bind(node.output(), total);
    }
  }
  reduce(node, b, false);
}
void mean(const Node& node, OnnxGraphBuilder& b) { reduce(node, b, true); }

// amax(self, dim, keepdim)
void amax(const Node& node, OnnxGraphBuilder& b) {
  b.bind(node.output(), b.add("ReduceMax", {b.input(node, 0)},
                              {{"axes", b.ints_arg(node, 1)}, {"keepdims", int64_t{b.bool_arg(node, 2)}}}));
}

void permute(const Node& node, OnnxGraphBuilder& b) {
  Ints perm = b.ints_arg(node, 1);
  for (auto& d : perm) d = positive_dim(d, perm.size());
  b.bind(node.output(), b.add("Transpose", {b.input(node, 0)}, {{"perm", perm}}));
}

void transpose(const Node& node, OnnxGraphBuilder& b) {
  const size_t rank = b.sizes(node.input(0)).size();
  Ints perm(rank);
  for (size_t i = 0; i < rank; ++i) perm[i] = static_cast<int64_t>(i);
  std::swap(perm[static_cast<size_t>(positive_dim(b.int_arg(node, 1), rank))],
            perm[static_cast<size_t>(positive_dim(b.int_arg(node, 2), rank))]);
  b.bind(node.output(), b.add("Transpose", {b.input(node, 0)}, {{"perm", perm}}));
}

void matrix_transpose(const Node& node, OnnxGraphBuilder& b) {
  if (b.sizes(node.input(0)).size() < 2) return identity(node, b);
  b.bind(node.output(), b.add("Transpose", {b.input(node, 0)}, {{"perm", Ints{1, 0}}}));
}

// pixel_shuffle(self, r): PyTorch's channel order is ONNX DepthToSpace's "CRD" mode (opset 11+).
void pixel_shuffle(const Node& node, OnnxGraphBuilder& b) {
  b.bind(node.output(), b.add("DepthToSpace", {b.input(node, 0)},
                              {{"blocksize", b.int_arg(node, 1)}, {"mode", std::string("CRD")}}));
}

// reshape/view(self, shape): the traced shape, or its run-time expression with dynamic shapes.
void reshape(const Node& node, OnnxGraphBuilder& b) {
  b.bind(node.output(), b.add("Reshape", {b.input(node, 0), b.shape_arg(1, b.ints_arg(node, 1))}));
}

// flatten(self, start, end): leading dimensions copied (0), the flattened run as -1, trailing ones
// copied from the traced shape, so batch and spatial sizes stay free wherever the run ends last.
void flatten(const Node& node, OnnxGraphBuilder& b) {
  const auto in = b.sizes(node.input(0));
  const int64_t start = positive_dim(b.int_arg(node, 1), in.size());
  const int64_t end = positive_dim(b.int_arg(node, 2), in.size());
  Ints shape(static_cast<size_t>(start), 0);
  shape.push_back(-1);
  for (size_t d = static_cast<size_t>(end) + 1; d < in.size(); ++d) shape.push_back(in[d]);
  if (end + 1 != static_cast<int64_t>(in.size()) && b.policy().dynamic) {
    b.fail(node, "flattens inner dimensions; export without --dynamic");
  }
  b.bind(node.output(), b.add("Reshape", {b.input(node, 0), b.int64s(shape)}));
}

void unsqueeze(const Node& node, OnnxGraphBuilder& b) {
  const int64_t dim = positive_dim(b.int_arg(node, 1), b.sizes(node.output()).size());
  b.bind(node.output(), b.add("Unsqueeze", {b.input(node, 0), b.int64s({dim})}));
}

void squeeze(const Node& node, OnnxGraphBuilder& b) {
  if (node.inputs().size() < 2) return b.bind(node.output(), b.add("Squeeze", {b.input(node, 0)}));
  const int64_t dim = positive_dim(b.int_arg(node, 1), b.sizes(node.input(0)).size());
  if (b.sizes(node.input(0))[static_cast<size_t>(dim)] != 1) return identity(node, b);
  b.bind(node.output(), b.add("Squeeze", {b.input(node, 0), b.int64s({dim})}));
}

// select(self, dim, index)
void select(const Node& node, OnnxGraphBuilder& b) {
  b.bind(node.output(), b.add("Gather", {b.input(node, 0), b.int64s({b.int_arg(node, 2)}, true)},
                              {{"axis", positive_dim(b.int_arg(node, 1), b.sizes(node.input(0)).size())}}));
}

// slice(self, dim, start, end, step)
void slice(const Node& node, OnnxGraphBuilder& b) {
  const auto value = [&](size_t index, int64_t none) { return b.is_none(node, index) ? none : b.int_arg(node, index); };
  b.bind(node.output(), b.add("Slice", {b.input(node, 0), b.int64s({value(2, 0)}), b.int64s({value(3, INT64_MAX)}),
                                        b.int64s({b.int_arg(node, 1)}), b.int64s({value(4, 1)})}));
}

// constant_pad_nd(self, pad, value) and _pad_enum(self, pad, mode, value): torch lists pads from the
// last dimension backwards in (begin, end) pairs, ONNX all begins then all ends.
std::string onnx_pads(const Node& node, OnnxGraphBuilder& b) {
  const auto pad = b.ints_arg(node, 1);
  const size_t rank = b.sizes(node.input(0)).size();
  Ints begins(rank, 0), ends(rank, 0);
  for (size_t i = 0; i + 1 < pad.size(); i += 2) {
    begins[rank - 1 - i / 2] = pad[i];
    ends[rank - 1 - i / 2] = pad[i + 1];
  }
  begins.insert(begins.end(), ends.begin(), ends.end());
  return b.int64s(begins);
}

void constant_pad(const Node& node, OnnxGraphBuilder& b) {
  const float value = b.is_none(node, 2) ? 0.f : static_cast<float>(b.float_arg(node, 2));
  b.bind(node.output(), b.add("Pad", {b.input(node, 0), onnx_pads(node, b), b.float_scalar(value)},
                              {{"mode", std::string("constant")}}));
}

void pad_enum(const Node& node, OnnxGraphBuilder& b) {
  const auto mode = static_cast<at::padding_mode>(b.int_arg(node, 2));
  if (mode == at::padding_mode::circular) b.fail(node, "pads circularly, which ONNX Pad cannot express");
  std::vector<std::string> inputs{b.input(node, 0), onnx_pads(node, b)};
  if (mode == at::padding_mode::constant) {
    inputs.push_back(b.float_scalar(b.is_none(node, 3) ? 0.f : static_cast<float>(b.float_arg(node, 3))));
  }
  const std::string onnx_mode = mode == at::padding_mode::reflect     ? "reflect"
                                : mode == at::padding_mode::replicate ? "edge"
                                                                      : "constant";
  b.bind(node.output(), b.add("Pad", inputs, {{"mode", onnx_mode}}));
}

}  // namespace

void add_tensor_converters(AtenConverterTable& table) {
  for (const char* op : {"aten::to", "aten::contiguous", "aten::detach", "aten::clone", "aten::type_as"}) {
    table[op] = identity;
  }
  for (const char* op : {"aten::dropout", "aten::dropout_", "aten::feature_dropout", "aten::feature_dropout_",
                         "aten::alpha_dropout", "aten::feature_alpha_dropout"}) {
    table[op] = dropout;
  }
  for (const char* op : {"aten::add", "aten::add_"}) table[op] = add_or_sub<false>;
  for (const char* op : {"aten::sub", "aten::sub_"}) table[op] = add_or_sub<true>;
  table["aten::rsub"] = rsub;
  table["aten::pixel_shuffle"] = pixel_shuffle;
  for (const char* op : {"aten::mul", "aten::mul_"}) table[op] = binary<kMul>;
  for (const char* op : {"aten::div", "aten::div_"}) table[op] = divide;
  table["aten::pow"] = binary<kPow>;
  table["aten::matmul"] = matmul;
  table["aten::bmm"] = matmul;
  table["aten::linear"] = linear;
  table["aten::addmm"] = addmm;
  table["aten::cat"] = cat;
  table["aten::stack"] = stack;
  table["aten::sum"] = sum;
  table["aten::mean"] = mean;
  table["aten::amax"] = amax;
  table["aten::permute"] = permute;
  table["aten::transpose"] = transpose;
  table["aten::t"] = matrix_transpose;
  for (const char* op : {"aten::reshape", "aten::view"}) table[op] = reshape;
  table["aten::flatten"] = flatten;
  table["aten::unsqueeze"] = unsqueeze;
  table["aten::squeeze"] = squeeze;
  table["aten::select"] = select;
  table["aten::slice"] = slice;
  table["aten::constant_pad_nd"] = constant_pad;
  table["aten::_pad_enum"] = pad_enum;
}

const AtenConverterTable& aten_converters() {
  static const AtenConverterTable table = [] {
    AtenConverterTable t;
    add_layer_converters(t);
    add_tensor_converters(t);
    return t;
  }();
  return table;
}

}  // namespace segkit::exporter
