#include "segkit/train/run_record.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <opencv2/core/version.hpp>
#include <vector>

#include "segkit/core/atomic_file.h"
#include "segkit/nn/machine.h"
#include "segkit/nn/runtime.h"

#ifndef SEGKIT_VERSION
#define SEGKIT_VERSION "unknown"
#endif
#ifndef SEGKIT_SOURCE_REVISION
#define SEGKIT_SOURCE_REVISION "unknown"
#endif

namespace segkit::train {
namespace {

namespace fs = std::filesystem;
using json = config::json;

struct Fnv1a {
  uint64_t hash = 14695981039346656037ull;
  void add(const char* data, size_t size) {
    for (size_t i = 0; i < size; ++i) {
      hash ^= static_cast<uint8_t>(data[i]);
      hash *= 1099511628211ull;
    }
  }
  void add(const std::string& text) { add(text.data(), text.size()); }
  std::string hex() const { return fmt::format("{:016x}", hash); }
};

json file_fingerprint(const fs::path& path) {
  Fnv1a fnv;
  std::ifstream in(path, std::ios::binary);
  std::vector<char> buffer(1 << 16);
  uint64_t bytes = 0;
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
    fnv.add(buffer.data(), static_cast<size_t>(in.gcount()));
    bytes += static_cast<uint64_t>(in.gcount());
  }
  return {{"path", path.string()}, {"bytes", bytes}, {"fnv1a64", fnv.hex()}};
}

json folder_fingerprint(const fs::path& path) {
  std::vector<std::pair<std::string, uint64_t>> entries;
  for (const auto& entry : fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied)) {
    if (entry.is_regular_file()) entries.emplace_back(fs::relative(entry.path(), path).string(), entry.file_size());
  }
  std::sort(entries.begin(), entries.end());
  Fnv1a fnv;
  uint64_t bytes = 0;
  for (const auto& [name, size] : entries) {
    fnv.add(name + "\n" + std::to_string(size) + "\n");
    bytes += size;
  }
  return {{"path", path.string()}, {"files", entries.size()}, {"bytes", bytes}, {"listing_fnv1a64", fnv.hex()}};
}

// Every string of a data section that names an existing file or folder.
void fingerprint_section(const json& section, const fs::path& config_dir, json& files, json& folders) {
  if (!section.is_object()) return;
  for (const auto& [key, value] : section.items()) {
    if (!value.is_string() || value.get<std::string>().empty()) continue;
    const fs::path text(value.get<std::string>());
    const fs::path path = text.is_absolute() ? text : config_dir / text;
    std::error_code error;
    if (fs::is_regular_file(path, error)) {
      files.push_back(file_fingerprint(path));
    } else if (fs::is_directory(path, error)) {
      folders.push_back(folder_fingerprint(path));
    }
  }
}

}  // namespace

void write_run_record(const config::Config& config, const fs::path& config_dir, const fs::path& run_dir) {
  const auto runtime = nn::runtime_info();
  json files = json::array(), folders = json::array();
  fingerprint_section(config.at("data"), config_dir, files, folders);
  fingerprint_section(config.at("pseudo_labels.data"), config_dir, files, folders);
  const fs::path folds = config_dir / config.get<std::string>("folds.file");
  if (fs::is_regular_file(folds)) files.push_back(file_fingerprint(folds));
  json record = {{"format", "segkit-run-info-v1"},
                 {"segkit_version", SEGKIT_VERSION},
                 {"source_revision", SEGKIT_SOURCE_REVISION},
                 {"torch_version", runtime.torch_version},
                 {"opencv_version", CV_VERSION},
                 {"threads", runtime.threads},
                 {"cuda_available", runtime.cuda_available},
                 {"device", config.get<std::string>("device")},
                 {"seed", config.get<uint64_t>("seed")},
                 {"data_files", files},
                 {"data_folders", folders},
                 {"machine", nn::to_json(nn::machine_report())}};
  write_file_atomic(run_dir / "run_info.json", record.dump(2));
}

}  // namespace segkit::train
