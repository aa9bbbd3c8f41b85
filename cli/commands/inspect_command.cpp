// `segkit inspect FILE.safetensors`: tensor names, dtypes, shapes, metadata and parameter count,
// read from the header alone (no tensor data is loaded).

#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/commands/commands.h"
#include "segkit/core/strings.h"
#include "segkit/io/safetensors.h"

namespace segkit::cli {
namespace {

std::string shape_text(const std::vector<int64_t>& shape) {
  std::vector<std::string> dims;
  for (int64_t dim : shape) dims.push_back(std::to_string(dim));
  return "[" + join(dims, ", ") + "]";
}

std::string byte_text(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (bytes >= 1024 && unit < 4) {
    bytes /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof(text), unit == 0 ? "%.0f %s" : "%.1f %s", bytes, units[unit]);
  return text;
}

void print_inspection(const io::SafetensorsReader& file) {
  size_t name_width = 4;
  for (const auto& info : file.tensors()) name_width = std::max(name_width, info.name.size());
  std::printf("%-*s  %-5s  %-22s  %s\n", static_cast<int>(name_width), "name", "dtype", "shape", "numel");
  int64_t total = 0;
  uint64_t bytes = 0;
  for (const auto& info : file.tensors()) {
    std::printf("%-*s  %-5s  %-22s  %lld\n", static_cast<int>(name_width), info.name.c_str(),
                std::string(io::dtype_name(info.dtype)).c_str(), shape_text(info.shape).c_str(),
                static_cast<long long>(info.numel()));
    total += info.numel();
    bytes += info.nbytes();
  }
  if (!file.metadata().empty()) {
    std::printf("\nmetadata:\n");
    for (const auto& [key, value] : file.metadata()) std::printf("  %s: %s\n", key.c_str(), value.c_str());
  }
  std::printf("\ntensors: %zu\nparameters: %lld (%s of data)\n", file.tensors().size(),
              static_cast<long long>(total), byte_text(static_cast<double>(bytes)).c_str());
}

}  // namespace

void add_inspect_command(CLI::App& app) {
  auto file = std::make_shared<std::string>();
  auto* inspect = app.add_subcommand("inspect", "List the tensors and metadata of a safetensors file");
  inspect->add_option("file", *file, "a .safetensors file")->required()->check(CLI::ExistingFile);
  inspect->callback([file] { print_inspection(io::SafetensorsReader(*file)); });
}

}  // namespace segkit::cli
