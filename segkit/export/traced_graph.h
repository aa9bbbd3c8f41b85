#pragma once
// A model's forward pass recorded as a TorchScript graph of ATen ops (LibTorch's C++ tracer), with the
// weights as constants and everything computable from them folded (transposed Linear weights,
// reshaped layer scales). What onnx_export converts.
//
//   auto traced = trace_forward([&](const torch::Tensor& x) { return std::vector{model->forward(x)}; },
//                               torch::zeros({1, 3, 256, 256}));

#include <torch/csrc/jit/ir/ir.h>
#include <torch/torch.h>

#include <functional>
#include <memory>
#include <vector>

namespace segkit::exporter {

using TracedFunction = std::function<std::vector<torch::Tensor>(const torch::Tensor& input)>;

/// Runs `forward` once on `example` under the tracer. The function must not need gradients: weights
/// that require them are taken as constants (requires_grad cleared by the caller).
std::shared_ptr<torch::jit::Graph> trace_forward(const TracedFunction& forward, const torch::Tensor& example);

}  // namespace segkit::exporter
