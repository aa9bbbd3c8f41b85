#pragma once
// Builds an ONNX graph from a traced TorchScript graph, one ATen node at a time. The op converters
// (aten_converters.h) ask it for the ONNX name of each input (weights become initializers on first
// use), read constant arguments, and add nodes. It also knows the traced shape of every value, which
// the converters need where ATen takes sizes that ONNX takes as scales or shapes.
//
//   OnnxGraphBuilder builder(graph_options);
//   std::string y = builder.add("Relu", {builder.input(node, 0)});
//   builder.bind(node.output(), y);

#include <torch/csrc/jit/ir/ir.h>

#include <map>
#include <optional>
#include <unordered_map>
#include <string>
#include <vector>

#include "segkit/export/onnx_proto.h"

namespace segkit::exporter {

/// One element of a shape argument: `constant`, or the product of the input's dimensions `dims`
/// (0 batch, 2 height, 3 width) times numerator / denominator.
struct DimExpression {
  int64_t constant = 0;
  std::vector<int64_t> dims{};
  int64_t numerator = 1, denominator = 1;
};
/// By (position of the node in the graph, index of its input).
using SymbolicShapes = std::map<std::pair<size_t, size_t>, std::vector<DimExpression>>;

/// How the traced sizes of reshapes and resizes are emitted.
struct ShapePolicy {
  /// Symbolic batch, height and width: shape arguments that follow the input's size are computed
  /// from it at run time (see dynamic_shapes.h), resizes use scales.
  bool dynamic = false;
};

/// `dim` counted from the front: OpenCV 4.6 mishandles negative axes in several operators.
inline int64_t positive_dim(int64_t dim, size_t rank) { return dim < 0 ? dim + static_cast<int64_t>(rank) : dim; }

class OnnxGraphBuilder {
 public:
  explicit OnnxGraphBuilder(ShapePolicy policy) : policy_(policy) {}

  const ShapePolicy& policy() const { return policy_; }

  /// The ONNX name of `value`: a node output already converted, a graph input, or a constant tensor
  /// (float32 weights become initializers, numbers become 0-d float tensors).
  std::string name(const torch::jit::Value* value);
  std::string input(const torch::jit::Node& node, size_t index) { return name(node.input(index)); }
  /// `value` stands for `onnx_name` (ops that are the identity at inference: dropout, to, contiguous).
  void bind(const torch::jit::Value* value, std::string onnx_name);

  /// Adds a one-output node; returns the output's fresh name.
  std::string add(const std::string& op_type, std::vector<std::string> inputs, std::vector<OnnxAttribute> attributes = {});
  std::string int64s(const std::vector<int64_t>& values, bool as_scalar = false);
  std::string floats(const std::vector<float>& values, std::vector<int64_t> dims);
  std::string float_scalar(float value) { return floats({value}, {}); }

  // Constant arguments of a node; an ExportError naming the node when the argument is computed.
  std::optional<torch::jit::IValue> constant(const torch::jit::Node& node, size_t index) const;
  int64_t int_arg(const torch::jit::Node& node, size_t index) const;
  double float_arg(const torch::jit::Node& node, size_t index) const;
  bool bool_arg(const torch::jit::Node& node, size_t index) const;
  std::vector<int64_t> ints_arg(const torch::jit::Node& node, size_t index) const;
  bool is_none(const torch::jit::Node& node, size_t index) const;

  /// The traced sizes of a tensor value.
  std::vector<int64_t> sizes(const torch::jit::Value* value) const;
  /// A shape argument (reshape target) for input `index` of the current node, as an int64 tensor:
  /// the traced numbers, or, with dynamic shapes, the expression dynamic_shapes.h found for it.
  std::string shape_arg(size_t index, const std::vector<int64_t>& traced);
  /// Run-time expressions for shape arguments, by (node position, input index): see dynamic_shapes.h.
  void set_symbolic_shapes(SymbolicShapes shapes) { symbolic_ = std::move(shapes); }
  void set_node_position(size_t position) { position_ = position; }
  /// The run-time size of the graph input's dimension `dim` (0-d int64), made once.
  std::string input_dim(int64_t dim);

  /// ExportError naming the node (its kind and source position in the trace).
  [[noreturn]] void fail(const torch::jit::Node& node, const std::string& why) const;

  OnnxGraph& graph() { return graph_; }

 private:
  std::string fresh(const std::string& hint);

  ShapePolicy policy_;
  OnnxGraph graph_;
  std::unordered_map<const torch::jit::Value*, std::string> names_;
  SymbolicShapes symbolic_;
  std::map<int64_t, std::string> input_dims_;
  std::string input_shape_;
  size_t position_ = 0;
  size_t counter_ = 0;
};

}  // namespace segkit::exporter
