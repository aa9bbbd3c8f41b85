#pragma once
// state_dict() and load_state_dict() with PyTorch's semantics, so weights move between segkit and
// Python unchanged: entries in Python's order (a module's own parameters, then its own buffers, then
// each child in registration order), names joined with '.', num_batches_tracked included.
//
//   auto entries = segkit::nn::state_dict(*model);                 // NamedTensors
//   segkit::nn::load_state_dict(*model, loaded.tensors);           // strict: throws ShapeError
//   auto report = segkit::nn::load_state_dict(*model, tensors, /*strict=*/false);

#include <torch/nn/module.h>

#include <string>
#include <vector>

#include "segkit/nn/tensor_io.h"

namespace segkit::nn {

/// Every parameter and buffer (defined ones), in Python's state_dict order. Tensors alias the module's.
NamedTensors state_dict(const torch::nn::Module& module);

struct LoadReport {
  std::vector<std::string> missing;     // in the model, not in the file
  std::vector<std::string> unexpected;  // in the file, not in the model
  std::vector<std::string> mismatched;  // "name: file [a, b] vs model [c, d]"
  bool ok() const { return missing.empty() && unexpected.empty() && mismatched.empty(); }
  std::string str() const;
};

/// Copies matching entries into the module (dtype converted, device kept). With `strict`, any missing,
/// unexpected or mis-shaped key throws ShapeError listing them all by name; otherwise the matching
/// entries are loaded and the report says what was skipped.
LoadReport load_state_dict(torch::nn::Module& module, const NamedTensors& tensors, bool strict = true);

}  // namespace segkit::nn
