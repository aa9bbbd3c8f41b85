#pragma once
// Which traced numbers follow the input's size. The C++ tracer records sizes as numbers (x.size(2) is
// a plain int64_t in LibTorch), so a reshape to [N, C, H, W] is traced with the example's N, H, W.
// For symbolic batch/height/width the model is traced at three input sizes; every reshape target
// that changes between them is fitted, element by element, to constant, or product-of-input-dims
// times a rational (N, H/4, H*W/16, ...), and the fit is checked against all three traces. Any other
// number that changes (a pad, a resize ratio), or a graph whose ops differ between sizes, makes the
// model not exportable with dynamic shapes, and the ExportError says which op.

#include <torch/csrc/jit/ir/ir.h>

#include <memory>
#include <vector>

#include "segkit/export/onnx_builder.h"

namespace segkit::exporter {

/// `graphs[i]` traced from an input of shape `input_shapes[i]` (N, C, H, W); graphs[0] is the one
/// exported. Returns the run-time expressions of its reshape targets.
SymbolicShapes fit_symbolic_shapes(const std::vector<std::shared_ptr<torch::jit::Graph>>& graphs,
                                   const std::vector<std::vector<int64_t>>& input_shapes);

}  // namespace segkit::exporter
