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

std::vector<uint8_t> read_probability_bytes(const std::filesystem::path& dir, const submit::PredictionImage& image,
                                            size_t classes, const std::string& purpose) {
  const auto file = probability_path(dir, image.stem);
  if (!std::filesystem::exists(file)) {
    throw DataError(fmt::format("{}: missing; {} needs probabilities (segkit predict --save probs|both)", file.string(),
                                purpose));
  }
  const io::SafetensorsReader reader(file);
  const auto& info = reader.tensor("probabilities");
  const std::vector<int64_t> expected = {static_cast<int64_t>(classes), image.height, image.width};
  if (info.dtype != io::DType::kU8 || info.shape != expected) {
    throw DataError(fmt::format("{}: probabilities of shape {} are not uint8 {} ({} classes at {}x{})", file.string(),
                                fmt::join(info.shape, "x"), fmt::join(expected, "x"), classes, image.height,
                                image.width));
  }
  return reader.read("probabilities");
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
  nn::NamedTensors tensors;
  if (bytes.defined()) tensors.emplace_back("probabilities", bytes);
  if (labels.defined()) tensors.emplace_back("labels", labels);
  nn::save_safetensors(probability_path(dir, stem), tensors, {{"format", "segkit-probabilities-v1"}, {"id", id}});
}

}  // namespace segkit::pipeline
