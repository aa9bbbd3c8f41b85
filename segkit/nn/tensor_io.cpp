#include "segkit/nn/tensor_io.h"

#include <torch/types.h>

#include "segkit/core/error.h"
#include "segkit/core/strings.h"

namespace segkit::nn {
namespace {

struct DTypePair {
  at::ScalarType scalar;
  io::DType file;
};

constexpr DTypePair kPairs[] = {
    {at::kBool, io::DType::kBool},   {at::kByte, io::DType::kU8},     {at::kChar, io::DType::kI8},
    {at::kShort, io::DType::kI16},   {at::kInt, io::DType::kI32},     {at::kLong, io::DType::kI64},
    {at::kHalf, io::DType::kF16},    {at::kBFloat16, io::DType::kBF16}, {at::kFloat, io::DType::kF32},
    {at::kDouble, io::DType::kF64},
};

}  // namespace

io::DType to_safetensors_dtype(at::ScalarType type) {
  for (const auto& pair : kPairs) {
    if (pair.scalar == type) return pair.file;
  }
  throw DataError(std::string("safetensors cannot store dtype ") + c10::toString(type));
}

at::ScalarType to_scalar_type(io::DType dtype) {
  for (const auto& pair : kPairs) {
    if (pair.file == dtype) return pair.scalar;
  }
  throw DataError("LibTorch has no dtype for safetensors " + std::string(io::dtype_name(dtype)));
}

void save_safetensors(const std::filesystem::path& path, const NamedTensors& tensors,
                      const std::map<std::string, std::string>& metadata) {
  std::vector<at::Tensor> contiguous;
  std::vector<io::TensorRef> refs;
  contiguous.reserve(tensors.size());
  for (const auto& [name, tensor] : tensors) {
    if (!tensor.defined()) throw DataError("cannot write tensor '" + name + "': undefined");
    contiguous.push_back(tensor.detach().to(torch::kCPU).contiguous());
    const at::Tensor& cpu = contiguous.back();
    refs.push_back({name, to_safetensors_dtype(cpu.scalar_type()),
                    std::vector<int64_t>(cpu.sizes().begin(), cpu.sizes().end()), cpu.data_ptr()});
  }
  io::write_safetensors(path, refs, metadata);
}

const at::Tensor& LoadedTensors::at(const std::string& name) const {
  for (const auto& [key, tensor] : tensors) {
    if (key == name) return tensor;
  }
  std::vector<std::string> names;
  for (const auto& entry : tensors) names.push_back(entry.first);
  throw DataError("no tensor named '" + name + "'" + did_you_mean(name, names));
}

LoadedTensors load_safetensors(const std::filesystem::path& path) {
  io::SafetensorsReader reader(path);
  LoadedTensors loaded;
  loaded.metadata = reader.metadata();
  for (const auto& info : reader.tensors()) {
    at::Tensor tensor = torch::empty(info.shape, torch::TensorOptions().dtype(to_scalar_type(info.dtype)));
    reader.read(info, tensor.data_ptr());
    loaded.tensors.emplace_back(info.name, std::move(tensor));
  }
  return loaded;
}

}  // namespace segkit::nn
