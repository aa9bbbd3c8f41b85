#pragma once
// ATen operator -> ONNX nodes, one function per operator kind ("aten::_convolution"). An operator a
// model uses and this table lacks stops the export with an ExportError naming it: a graph is either
// complete or not written.

#include <string>
#include <unordered_map>

#include "segkit/export/onnx_builder.h"

namespace segkit::exporter {

using AtenConverter = void (*)(const torch::jit::Node& node, OnnxGraphBuilder& builder);
using AtenConverterTable = std::unordered_map<std::string, AtenConverter>;

/// Every converter: the layers (aten_layer_ops.cpp) and the tensor arithmetic (aten_tensor_ops.cpp).
const AtenConverterTable& aten_converters();

void add_layer_converters(AtenConverterTable& table);
void add_tensor_converters(AtenConverterTable& table);

}  // namespace segkit::exporter
