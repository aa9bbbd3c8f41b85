#include "segkit/nn/state_dict.h"

#include <torch/types.h>

#include <unordered_map>

#include "segkit/core/error.h"
#include "segkit/core/strings.h"

namespace segkit::nn {
namespace {

void collect(const torch::nn::Module& module, const std::string& prefix, NamedTensors& out) {
  for (const auto& item : module.named_parameters(/*recurse=*/false)) {
    if (item.value().defined()) out.emplace_back(prefix + item.key(), item.value());
  }
  for (const auto& item : module.named_buffers(/*recurse=*/false)) {
    if (item.value().defined()) out.emplace_back(prefix + item.key(), item.value());
  }
  for (const auto& child : module.named_children()) {
    collect(*child.value(), prefix + child.key() + ".", out);
  }
}

std::string shape_text(at::IntArrayRef sizes) {
  std::vector<std::string> dims;
  for (int64_t d : sizes) dims.push_back(std::to_string(d));
  return "[" + join(dims, ", ") + "]";
}

std::string list_text(const std::string& title, const std::vector<std::string>& names) {
  if (names.empty()) return "";
  constexpr size_t kShown = 20;
  std::string text = "\n  " + title + " (" + std::to_string(names.size()) + "):";
  for (size_t i = 0; i < names.size() && i < kShown; ++i) text += "\n    " + names[i];
  if (names.size() > kShown) text += "\n    ...";
  return text;
}

}  // namespace

NamedTensors state_dict(const torch::nn::Module& module) {
  NamedTensors out;
  collect(module, "", out);
  return out;
}

std::string LoadReport::str() const {
  return list_text("missing keys", missing) + list_text("unexpected keys", unexpected) +
         list_text("shape mismatches", mismatched);
}

LoadReport load_state_dict(torch::nn::Module& module, const NamedTensors& tensors, bool strict) {
  std::unordered_map<std::string, const at::Tensor*> given;
  for (const auto& [name, tensor] : tensors) given[name] = &tensor;
  LoadReport report;
  NamedTensors own = state_dict(module);
  std::unordered_map<std::string, bool> known;
  std::vector<std::pair<at::Tensor, const at::Tensor*>> copies;
  for (const auto& [name, target] : own) {
    known[name] = true;
    auto found = given.find(name);
    if (found == given.end()) {
      report.missing.push_back(name);
    } else if (found->second->sizes() != target.sizes()) {
      report.mismatched.push_back(name + ": file " + shape_text(found->second->sizes()) + " vs model " +
                                  shape_text(target.sizes()));
    } else {
      copies.emplace_back(target, found->second);
    }
  }
  for (const auto& [name, tensor] : tensors) {
    if (!known.count(name)) report.unexpected.push_back(name);
  }
  if (strict && !report.ok()) throw ShapeError("state_dict does not match the model:" + report.str());
  torch::NoGradGuard no_grad;
  for (auto& [target, source] : copies) target.copy_(*source);
  return report;
}

}  // namespace segkit::nn
