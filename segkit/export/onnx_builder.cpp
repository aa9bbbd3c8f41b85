#include "segkit/export/onnx_builder.h"

#include <fmt/format.h>
#include <torch/csrc/jit/ir/constants.h>
#include <torch/torch.h>

#include <sstream>

#include "segkit/core/error.h"

namespace segkit::exporter {

std::string OnnxGraphBuilder::fresh(const std::string& hint) { return fmt::format("{}_{}", hint, counter_++); }

void OnnxGraphBuilder::bind(const torch::jit::Value* value, std::string onnx_name) {
  names_[value] = std::move(onnx_name);
}

std::string OnnxGraphBuilder::name(const torch::jit::Value* value) {
  if (auto found = names_.find(value); found != names_.end()) return found->second;
  const auto ivalue = torch::jit::toIValue(value);
  if (!ivalue) {
    throw ExportError(fmt::format("ONNX export: value %{} is used before it is computed", value->debugName()));
  }
  std::string initializer;
  if (ivalue->isTensor()) {
    const auto tensor = ivalue->toTensor().detach().to(torch::kCPU).contiguous();
    std::vector<int64_t> dims(tensor.sizes().begin(), tensor.sizes().end());
    if (tensor.is_floating_point()) {
      const auto f = tensor.to(torch::kFloat);
      initializer = floats(std::vector<float>(f.data_ptr<float>(), f.data_ptr<float>() + f.numel()), dims);
    } else {
      const auto i = tensor.to(torch::kLong);
      const auto* data = i.data_ptr<int64_t>();
      graph_.initializers.push_back(int64_tensor(fresh("const"), dims, std::vector<int64_t>(data, data + i.numel())));
      initializer = graph_.initializers.back().name;
    }
  } else if (ivalue->isDouble() || ivalue->isInt() || ivalue->isBool()) {
    // Numbers meet float tensors in arithmetic (x + 1, x * 0.5): a float32 0-d tensor broadcasts.
    initializer = float_scalar(static_cast<float>(ivalue->isDouble() ? ivalue->toDouble()
                                                  : ivalue->isInt()  ? static_cast<double>(ivalue->toInt())
                                                                     : static_cast<double>(ivalue->toBool())));
  } else {
    throw ExportError(fmt::format("ONNX export: constant %{} of type {} cannot be an operator input",
                                  value->debugName(), value->type()->str()));
  }
  names_[value] = initializer;
  return initializer;
}

std::string OnnxGraphBuilder::add(const std::string& op_type, std::vector<std::string> inputs,
                                  std::vector<OnnxAttribute> attributes) {
  graph_.nodes.push_back({op_type, std::move(inputs), {fresh("t")}, std::move(attributes), fresh(op_type)});
  return graph_.nodes.back().outputs.front();
}

std::string OnnxGraphBuilder::int64s(const std::vector<int64_t>& values, bool as_scalar) {
  std::vector<int64_t> dims;
  if (!as_scalar) dims.push_back(static_cast<int64_t>(values.size()));
  graph_.initializers.push_back(int64_tensor(fresh("ints"), dims, values));
  return graph_.initializers.back().name;
}

std::string OnnxGraphBuilder::floats(const std::vector<float>& values, std::vector<int64_t> dims) {
  graph_.initializers.push_back(float_tensor(fresh("w"), std::move(dims), values));
  return graph_.initializers.back().name;
}

std::optional<torch::jit::IValue> OnnxGraphBuilder::constant(const torch::jit::Node& node, size_t index) const {
  if (index >= node.inputs().size()) fail(node, fmt::format("has no input {}", index));
  // Unwrapped by hand: std::optional<IValue> built from a c10::optional would hold an IValue None.
  auto value = torch::jit::toIValue(node.input(index));
  if (!value) return std::nullopt;
  return *value;
}

namespace {
torch::jit::IValue required(const OnnxGraphBuilder& builder, const torch::jit::Node& node, size_t index) {
  auto value = builder.constant(node, index);
  if (!value) builder.fail(node, fmt::format("input {} varies at run time; segkit exports it only as a constant", index));
  return *value;
}
}  // namespace

int64_t OnnxGraphBuilder::int_arg(const torch::jit::Node& node, size_t index) const {
  return required(*this, node, index).toInt();
}
double OnnxGraphBuilder::float_arg(const torch::jit::Node& node, size_t index) const {
  const auto value = required(*this, node, index);
  return value.isInt() ? static_cast<double>(value.toInt()) : value.toDouble();
}
bool OnnxGraphBuilder::bool_arg(const torch::jit::Node& node, size_t index) const {
  return required(*this, node, index).toBool();
}
std::vector<int64_t> OnnxGraphBuilder::ints_arg(const torch::jit::Node& node, size_t index) const {
  const auto value = required(*this, node, index);
  if (value.isInt()) return {value.toInt()};
  return value.toIntVector();
}
bool OnnxGraphBuilder::is_none(const torch::jit::Node& node, size_t index) const {
  const auto value = constant(node, index);
  return value && value->isNone();
}

std::vector<int64_t> OnnxGraphBuilder::sizes(const torch::jit::Value* value) const {
  const auto type = value->type()->cast<c10::TensorType>();
  const auto sizes = type ? type->sizes().concrete_sizes() : c10::nullopt;
  if (!sizes) throw ExportError(fmt::format("ONNX export: the trace lost the shape of %{}", value->debugName()));
  return *sizes;
}

std::string OnnxGraphBuilder::input_dim(int64_t dim) {
  if (auto found = input_dims_.find(dim); found != input_dims_.end()) return found->second;
  if (input_shape_.empty()) input_shape_ = add("Shape", {graph_.inputs.at(0).name});
  return input_dims_[dim] = add("Gather", {input_shape_, int64s({dim}, true)}, {{"axis", int64_t{0}}});
}

std::string OnnxGraphBuilder::shape_arg(size_t index, const std::vector<int64_t>& traced) {
  const auto symbolic = symbolic_.find({position_, index});
  if (!policy_.dynamic || symbolic == symbolic_.end()) return int64s(traced);
  std::vector<std::string> elements;
  for (const auto& expression : symbolic->second) {
    if (expression.dims.empty()) {
      elements.push_back(int64s({expression.constant}));
      continue;
    }
    std::string value = input_dim(expression.dims.front());
    for (size_t i = 1; i < expression.dims.size(); ++i) value = add("Mul", {value, input_dim(expression.dims[i])});
    if (expression.numerator != 1) value = add("Mul", {value, int64s({expression.numerator}, true)});
    if (expression.denominator != 1) value = add("Div", {value, int64s({expression.denominator}, true)});
    elements.push_back(add("Unsqueeze", {value, int64s({0})}));
  }
  return add("Concat", elements, {{"axis", int64_t{0}}});
}

void OnnxGraphBuilder::fail(const torch::jit::Node& node, const std::string& why) const {
  std::ostringstream where;
  node.sourceRange().highlight(where);
  throw ExportError(fmt::format("ONNX export: {} (node {} of the traced graph) {}{}", node.kind().toQualString(),
                                position_, why, where.str().empty() ? "" : "\n" + where.str()));
}

}  // namespace segkit::exporter
