#include "segkit/pipeline/probability_file.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "segkit/core/error.h"
#include "segkit/io/safetensors.h"
#include "segkit/nn/tensor_io.h"

namespace segkit::pipeline {

std::filesystem::path probability_path(const std::filesystem::path& dir, const std::string& stem) {
  return dir / "probabilities" / (stem + ".safetensors");
}

torch::Tensor probability_bytes(const torch::Tensor& probabilities) {
  return (probabilities * 255.0).round().clamp(0, 255).to(torch::kUInt8).contiguous();
}

std::optional<std::vector<float>> read_class_probabilities(const std::filesystem::path& dir, const std::string& stem,
                                                           size_t classes) {
  const auto file = probability_path(dir, stem);
  if (!std::filesystem::exists(file)) return std::nullopt;
  const io::SafetensorsReader reader(file);
  if (!reader.contains("labels")) return std::nullopt;
  const auto& info = reader.tensor("labels");
  if (info.dtype != io::DType::kF32 || info.numel() != static_cast<int64_t>(classes)) {
    throw DataError(fmt::format("{}: labels must be {} float32 values", file.string(), classes));
  }
  std::vector<float> labels(classes);
  reader.read(info, labels.data());
  return labels;
}

void write_probabilities(const std::filesystem::path& dir, const std::string& stem, const std::string& id,
                         const torch::Tensor& bytes, const torch::Tensor& labels) {
  std::filesystem::create_directories(dir / "probabilities");
  nn::NamedTensors tensors{{"probabilities", bytes}};
  if (labels.defined()) tensors.emplace_back("labels", labels);
  nn::save_safetensors(probability_path(dir, stem), tensors, {{"format", "segkit-probabilities-v1"}, {"id", id}});
}

}  // namespace segkit::pipeline
