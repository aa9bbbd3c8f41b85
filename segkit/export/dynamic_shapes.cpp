#include "segkit/export/dynamic_shapes.h"

#include <fmt/format.h>
#include <torch/csrc/jit/ir/constants.h>

#include <numeric>
#include <optional>

#include "segkit/core/error.h"

namespace segkit::exporter {
namespace {

using torch::jit::Node;

std::vector<const Node*> nodes_of(const torch::jit::Graph& graph) {
  std::vector<const Node*> nodes;
  for (auto* node : graph.nodes()) {
    if (node->kind() != c10::prim::Constant) nodes.push_back(node);
  }
  return nodes;
}

// The numbers an input carries, if it is a constant number or list of numbers.
std::optional<std::vector<double>> numbers(const torch::jit::Value* value) {
  const auto ivalue = torch::jit::toIValue(value);
  if (!ivalue) return std::nullopt;
  if (ivalue->isInt()) return std::vector<double>{static_cast<double>(ivalue->toInt())};
  if (ivalue->isDouble()) return std::vector<double>{ivalue->toDouble()};
  if (ivalue->isIntList()) {
    std::vector<double> out;
    for (int64_t v : ivalue->toIntVector()) out.push_back(static_cast<double>(v));
    return out;
  }
  if (ivalue->isDoubleList()) return ivalue->toDoubleVector();
  return std::nullopt;
}

std::vector<double> resize_ratios(const Node& node) {
  std::vector<double> ratios;
  const auto in = node.input(0)->type()->cast<c10::TensorType>()->sizes().concrete_sizes();
  const auto out = node.output()->type()->cast<c10::TensorType>()->sizes().concrete_sizes();
  if (!in || !out) return ratios;
  for (size_t d = 0; d < in->size(); ++d) ratios.push_back(static_cast<double>((*out)[d]) / static_cast<double>((*in)[d]));
  return ratios;
}

// Element `e` of a reshape target across the traces, as constant or a product of input dims times a
// rational that holds in every trace.
std::optional<DimExpression> fit(const std::vector<int64_t>& values, const std::vector<std::vector<int64_t>>& shapes) {
  if (std::all_of(values.begin(), values.end(), [&](int64_t v) { return v == values[0]; })) {
    return DimExpression{values[0]};
  }
  static const std::vector<std::vector<int64_t>> candidates = {{0}, {2}, {3}, {2, 3}, {0, 2}, {0, 3}, {0, 2, 3}};
  for (const auto& dims : candidates) {
    std::vector<int64_t> products;
    for (const auto& shape : shapes) {
      int64_t p = 1;
      for (int64_t d : dims) p *= shape[static_cast<size_t>(d)];
      products.push_back(p);
    }
    const int64_t g = std::gcd(values[0], products[0]);
    if (g == 0) continue;
    const int64_t numerator = values[0] / g, denominator = products[0] / g;
    bool holds = true;
    for (size_t i = 0; i < values.size(); ++i) holds = holds && products[i] * numerator == values[i] * denominator;
    if (holds) return DimExpression{0, dims, numerator, denominator};
  }
  return std::nullopt;
}

}  // namespace

SymbolicShapes fit_symbolic_shapes(const std::vector<std::shared_ptr<torch::jit::Graph>>& graphs,
                                   const std::vector<std::vector<int64_t>>& input_shapes) {
  std::vector<std::vector<const Node*>> traces;
  for (const auto& graph : graphs) traces.push_back(nodes_of(*graph));
  const auto& base = traces.front();
  for (const auto& trace : traces) {
    bool same = trace.size() == base.size();
    for (size_t i = 0; same && i < base.size(); ++i) same = trace[i]->kind() == base[i]->kind();
    if (!same) {
      throw ExportError("ONNX export with dynamic shapes: the model runs different operations at different input "
                        "sizes; export at a fixed size (without --dynamic)");
    }
  }
  SymbolicShapes shapes;
  for (size_t position = 0; position < base.size(); ++position) {
    const Node& node = *base[position];
    const auto kind = std::string(node.kind().toQualString());
    const auto fail = [&](const std::string& what) {
      throw ExportError(fmt::format("ONNX export with dynamic shapes: {} (node {}) {}; export at a fixed size "
                                    "(without --dynamic)",
                                    kind, position, what));
    };
    if (kind == "aten::upsample_nearest2d" || kind == "aten::upsample_bilinear2d") {
      for (const auto& trace : traces) {
        if (resize_ratios(*trace[position]) != resize_ratios(node)) fail("resizes by a ratio that follows the input size");
      }
      continue;
    }
    for (size_t index = 0; index < node.inputs().size(); ++index) {
      const auto base_numbers = numbers(node.input(index));
      if (!base_numbers) continue;
      bool varies = false;
      for (const auto& trace : traces) varies = varies || numbers(trace[position]->input(index)) != base_numbers;
      if (!varies) continue;
      const bool reshape_target = (kind == "aten::reshape" || kind == "aten::view") && index == 1;
      if (!reshape_target) fail(fmt::format("takes argument {} that follows the input size", index));
      std::vector<DimExpression> expressions;
      for (size_t e = 0; e < base_numbers->size(); ++e) {
        std::vector<int64_t> values;
        for (const auto& trace : traces) {
          const auto these = numbers(trace[position]->input(index));
          if (!these || these->size() != base_numbers->size()) fail("changes rank with the input size");
          values.push_back(static_cast<int64_t>((*these)[e]));
        }
        auto expression = fit(values, input_shapes);
        if (!expression) fail(fmt::format("has a target size (element {}) segkit cannot relate to the input's", e));
        expressions.push_back(*expression);
      }
      shapes[{position, index}] = std::move(expressions);
    }
  }
  return shapes;
}

}  // namespace segkit::exporter
