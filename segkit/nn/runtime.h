#pragma once
// Process-wide runtime settings for LibTorch: intra-op threads, the compute device, and the versions
// `segkit --version` reports. Torch-free header so the CLI and tests include it cheaply.
//
//   int used = segkit::nn::configure_threads(0);     // 0: OMP_NUM_THREADS if set, else every core
//   std::string dev = segkit::nn::resolve_device("auto");   // "cuda:0" or "cpu"

#include <string>

namespace segkit::nn {

/// Sets LibTorch's intra-op thread count and returns it. `requested` > 0 is used as is; 0 means
/// OMP_NUM_THREADS when the user exported it, else std::thread::hardware_concurrency(). This matters:
/// Debian's LibTorch 1.13 starts with hardware_concurrency()/2 threads (it assumes SMT), which halves
/// the speed of a 2-core machine.
int configure_threads(int requested);

/// Current intra-op thread count.
int intra_op_threads();

/// Validates a device name and picks one: "auto" -> "cuda:0" when CUDA is available, else "cpu";
/// "cpu"; "cuda" -> "cuda:0"; "cuda:N". Throws ConfigError on unknown names or absent CUDA devices.
std::string resolve_device(const std::string& name);

struct RuntimeInfo {
  std::string torch_version;
  bool cuda_available = false;
  int cuda_devices = 0;
  int threads = 0;
};

RuntimeInfo runtime_info();

}  // namespace segkit::nn
