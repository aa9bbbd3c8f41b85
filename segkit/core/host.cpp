#include "segkit/core/host.h"

#include <fstream>
#include <sstream>
#include <thread>

#include "segkit/core/strings.h"

namespace segkit {

std::vector<std::string> CpuInfo::isa_flags() const {
  static const std::vector<std::string> kOrdered{
      "sse4_1", "sse4_2", "avx", "fma", "avx2", "avx_vnni", "avx512f", "avx512bw", "avx512vl", "avx512_vnni",
      "avx512_bf16", "avx512_fp16", "amx_tile", "amx_bf16", "amx_int8"};
  std::vector<std::string> present;
  for (const auto& flag : kOrdered) {
    if (has(flag)) present.push_back(flag);
  }
  return present;
}

CpuInfo parse_cpu_info(const std::string& text) {
  CpuInfo info;
  std::istringstream lines(text);
  std::string line;
  bool have_flags = false;
  while (std::getline(lines, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string_view view(line);
    const std::string key(trim(view.substr(0, colon)));
    const std::string value(trim(view.substr(colon + 1)));
    if (key == "processor") ++info.logical_cores;
    if (key == "model name" && info.model == "unknown") info.model = value;
    if (key == "flags" && !have_flags) {
      std::istringstream words(value);
      std::string flag;
      while (words >> flag) info.flags.insert(flag);
      have_flags = true;
    }
  }
  return info;
}

CpuInfo read_cpu_info() {
  std::ifstream file("/proc/cpuinfo");
  std::stringstream text;
  text << file.rdbuf();
  CpuInfo info = parse_cpu_info(text.str());
  if (info.logical_cores == 0) info.logical_cores = static_cast<int>(std::thread::hardware_concurrency());
  return info;
}

std::vector<std::string> loaded_libraries(const std::string& fragment) {
  std::ifstream maps("/proc/self/maps");
  std::vector<std::string> paths;
  std::string line;
  while (std::getline(maps, line)) {
    const auto slash = line.find('/');
    if (slash == std::string::npos) continue;
    const std::string path = line.substr(slash);
    const std::string name = path.substr(path.rfind('/') + 1);
    if (name.find(fragment) == std::string::npos || name.find(".so") == std::string::npos) continue;
    bool seen = false;
    for (const auto& known : paths) seen = seen || known == path;
    if (!seen) paths.push_back(path);
  }
  return paths;
}

std::string allocator_in_use() {
  const auto tcmalloc = loaded_libraries("tcmalloc");
  return tcmalloc.empty() ? "glibc malloc" : "tcmalloc (" + tcmalloc.front() + ")";
}

std::string blas_in_use() {
  const auto blas = loaded_libraries("blas");
  if (blas.empty()) return "none loaded";
  // Debian's libblas.so.3 is an alternative: its resolved path says which implementation serves it.
  for (const auto& path : blas) {
    if (path.find("libblas.so") == std::string::npos) continue;
    if (path.find("openblas-openmp") != std::string::npos) return "OpenBLAS (openmp): " + path;
    if (path.find("openblas-pthread") != std::string::npos) return "OpenBLAS (pthread, oversubscribes next to OpenMP): " + path;
    if (path.find("blis") != std::string::npos) return "BLIS: " + path;
    if (path.find("atlas") != std::string::npos) return "ATLAS: " + path;
    return "reference BLAS (slow: install libopenblas0-openmp): " + path;
  }
  return blas.front();
}

}  // namespace segkit
