#include "segkit/pipeline/probability_file.h"

#include <torch/torch.h>

#include "segkit/nn/tensor_io.h"

namespace segkit::pipeline {

std::filesystem::path probability_path(const std::filesystem::path& dir, const std::string& stem) {
  return dir / "probabilities" / (stem + ".safetensors");
}

torch::Tensor probability_bytes(const torch::Tensor& probabilities) {
  return (probabilities * 255.0).round().clamp(0, 255).to(torch::kUInt8).contiguous();
}

void write_probabilities(const std::filesystem::path& dir, const std::string& stem, const std::string& id,
                         const torch::Tensor& bytes, const torch::Tensor& labels) {
  std::filesystem::create_directories(dir / "probabilities");
  nn::NamedTensors tensors{{"probabilities", bytes}};
  if (labels.defined()) tensors.emplace_back("labels", labels);
  nn::save_safetensors(probability_path(dir, stem), tensors, {{"format", "segkit-probabilities-v1"}, {"id", id}});
}

}  // namespace segkit::pipeline
