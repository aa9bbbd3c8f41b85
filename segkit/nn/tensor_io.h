#pragma once
// torch::Tensor <-> safetensors files. Names keep their order, so a state_dict written here lists its
// entries as the model registered them. Every LibTorch dtype that safetensors names is supported:
// F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL.
//
//   segkit::nn::save_safetensors("w.safetensors", {{"conv.weight", w}}, {{"format", "pt"}});
//   auto tensors = segkit::nn::load_safetensors("w.safetensors");   // throws DataError on a bad file
//   torch::Tensor w2 = tensors.at("conv.weight");

#include <ATen/core/Tensor.h>

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "segkit/io/safetensors.h"

namespace segkit::nn {

using NamedTensors = std::vector<std::pair<std::string, at::Tensor>>;

io::DType to_safetensors_dtype(at::ScalarType type);
at::ScalarType to_scalar_type(io::DType dtype);

/// Writes tensors (any device, any layout; copied to contiguous CPU) atomically.
void save_safetensors(const std::filesystem::path& path, const NamedTensors& tensors,
                      const std::map<std::string, std::string>& metadata = {});

struct LoadedTensors {
  NamedTensors tensors;  // file data order
  std::map<std::string, std::string> metadata;

  /// Throws DataError naming the closest existing name.
  const at::Tensor& at(const std::string& name) const;
};

/// Reads every tensor into CPU memory. Throws DataError (see io::SafetensorsReader).
LoadedTensors load_safetensors(const std::filesystem::path& path);

}  // namespace segkit::nn
