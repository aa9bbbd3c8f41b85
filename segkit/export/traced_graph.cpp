#include "segkit/export/traced_graph.h"

#include <torch/csrc/jit/frontend/tracer.h>
#include <torch/csrc/jit/passes/constant_propagation.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>

namespace segkit::exporter {

std::shared_ptr<torch::jit::Graph> trace_forward(const TracedFunction& forward, const torch::Tensor& example) {
  torch::NoGradGuard no_grad;
  auto traced = [&](torch::jit::Stack inputs) {
    torch::jit::Stack outputs;
    for (auto& tensor : forward(inputs.at(0).toTensor())) outputs.emplace_back(std::move(tensor));
    return outputs;
  };
  auto [state, outputs] = torch::jit::tracer::trace(
      {example}, traced, [](const torch::autograd::Variable&) { return std::string(); }, /*strict=*/false,
      /*force_outplace=*/false);
  auto graph = state->graph;
  torch::jit::ConstantPropagation(graph);
  torch::jit::EliminateDeadCode(graph);
  return graph;
}

}  // namespace segkit::exporter
