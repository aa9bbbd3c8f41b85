#include "segkit/nn/runtime.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <cstdlib>
#include <regex>
#include <thread>

#include "segkit/core/error.h"

namespace segkit::nn {

int configure_threads(int requested) {
  int threads = requested;
  if (threads <= 0) {
    const char* omp = std::getenv("OMP_NUM_THREADS");
    threads = omp != nullptr ? std::atoi(omp) : 0;
  }
  if (threads <= 0) threads = static_cast<int>(std::thread::hardware_concurrency());
  if (threads <= 0) threads = 1;
  at::set_num_threads(threads);
  return at::get_num_threads();
}

int intra_op_threads() { return at::get_num_threads(); }

std::string resolve_device(const std::string& name) {
  static const std::regex kCudaIndex(R"(cuda:(\d+))");
  const bool cuda = torch::cuda::is_available();
  if (name == "auto") return cuda ? "cuda:0" : "cpu";
  if (name == "cpu") return name;
  std::smatch match;
  int index = -1;
  if (name == "cuda") {
    index = 0;
  } else if (std::regex_match(name, match, kCudaIndex)) {
    index = std::stoi(match[1]);
  } else {
    throw ConfigError("unknown device '" + name + "'; valid: auto, cpu, cuda, cuda:N");
  }
  if (!cuda) throw ConfigError("device '" + name + "' requested but this LibTorch sees no CUDA device");
  if (index >= static_cast<int>(torch::cuda::device_count())) {
    throw ConfigError("device '" + name + "' requested but only " +
                      std::to_string(torch::cuda::device_count()) + " CUDA device(s) exist");
  }
  return "cuda:" + std::to_string(index);
}

RuntimeInfo runtime_info() {
  RuntimeInfo info;
  info.torch_version = TORCH_VERSION;
  info.cuda_available = torch::cuda::is_available();
  info.cuda_devices = info.cuda_available ? static_cast<int>(torch::cuda::device_count()) : 0;
  info.threads = at::get_num_threads();
  return info;
}

}  // namespace segkit::nn
