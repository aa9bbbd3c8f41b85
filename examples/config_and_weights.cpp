// How to run:  build/bin/example_config_and_weights CONFIG.yaml OUT.safetensors [key=value ...]
//
// The two foundations every segkit program stands on, used directly from the library:
//   1. a YAML config with includes and command-line overrides, checked against segkit's schema;
//   2. weights kept in safetensors, the format SMP, timm and Hugging Face checkpoints use.
// The program resolves the config, applies its `threads` setting, writes a small tensor file with the
// resolved config as metadata, reads it back and prints what it holds.

#include <iostream>

#include "segkit/segkit.h"

int main(int argc, char** argv) try {
  if (argc < 3) {
    std::cerr << "usage: " << argv[0] << " CONFIG.yaml OUT.safetensors [key=value ...]\n";
    return 2;
  }
  std::vector<std::string> overrides(argv + 3, argv + argc);

  // Unknown keys, wrong types and include cycles throw segkit::ConfigError naming file:line.
  const auto config = segkit::config::load_config(argv[1], overrides, segkit::config::segkit_schema());
  const int threads = segkit::nn::configure_threads(config.get<int>("threads"));
  std::cout << "resolved config (" << threads << " threads):\n" << config.to_yaml();

  // Tensors are written atomically: the file appears complete or not at all.
  const std::vector<float> weights = {0.5f, -1.0f, 2.0f, 4.0f};
  segkit::io::write_safetensors(argv[2], {{"layer.weight", segkit::io::DType::kF32, {2, 2}, weights.data()}},
                                {{"config", config.values().dump()}});

  segkit::io::SafetensorsReader file(argv[2]);
  for (const auto& info : file.tensors()) {
    std::cout << info.name << " " << segkit::io::dtype_name(info.dtype) << " numel " << info.numel() << "\n";
  }
  return 0;
} catch (const std::exception& e) {
  std::cerr << "error: " << e.what() << "\n";
  return 1;
}
