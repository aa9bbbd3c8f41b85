#pragma once
// Tensors exchanged with the Python references as raw float32, contiguous, row-major (the layout
// bench/python/model_reference.py reads with numpy.fromfile).

#include <torch/torch.h>

#include <filesystem>
#include <fstream>

namespace segkit::bench {

inline void write_floats(const std::filesystem::path& path, const torch::Tensor& tensor) {
  const auto data = tensor.contiguous();
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(data.data_ptr<float>()), static_cast<std::streamsize>(data.numel() * 4));
}

inline torch::Tensor read_floats(const std::filesystem::path& path, torch::IntArrayRef shape) {
  auto tensor = torch::empty(shape);
  std::ifstream(path, std::ios::binary)
      .read(reinterpret_cast<char*>(tensor.data_ptr<float>()), static_cast<std::streamsize>(tensor.numel() * 4));
  return tensor;
}

}  // namespace segkit::bench
