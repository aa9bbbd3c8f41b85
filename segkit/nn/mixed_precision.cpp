#include "segkit/nn/mixed_precision.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

#include "segkit/core/error.h"
#include "segkit/nn/machine.h"

#include <stdexcept>

namespace segkit::nn {

Precision parse_precision(const std::string& name, const std::string& key) {
  if (name == "fp32") return Precision::kFloat32;
  if (name == "bf16") return Precision::kBFloat16;
  if (name == "fp16") return Precision::kFloat16;
  if (name == "auto") return Precision::kAuto;
  throw ConfigError(key + ": unknown precision '" + name + "'; valid: fp32, bf16, fp16, auto");
}

Precision resolve_precision(Precision precision, const torch::Device& device, Use use) {
  if (precision != Precision::kAuto) return precision;
  if (device.is_cuda()) return Precision::kFloat16;
  const bool bf16 = use == Use::kTraining ? bf16_training_pays_off() : native_cpu_bf16();
  return bf16 ? Precision::kBFloat16 : Precision::kFloat32;
}

std::string precision_name(Precision precision) {
  switch (precision) {
    case Precision::kBFloat16: return "bf16";
    case Precision::kFloat16: return "fp16";
    case Precision::kAuto: return "auto";
    case Precision::kFloat32: break;
  }
  return "fp32";
}

torch::ScalarType scalar_type(Precision precision) {
  switch (precision) {
    case Precision::kBFloat16: return torch::kBFloat16;
    case Precision::kFloat16: return torch::kHalf;
    case Precision::kAuto: throw std::logic_error("scalar_type(auto): resolve_precision() first");
    case Precision::kFloat32: break;
  }
  return torch::kFloat;
}

void check_precision(Precision precision, const torch::Device& device, const std::string& key) {
  if (precision == Precision::kFloat16 && !device.is_cuda()) {
    throw ConfigError(key + ": fp16 needs a CUDA device (LibTorch has no float16 convolutions on the CPU); "
                            "on the CPU use fp32, or auto (bf16 where the CPU computes it natively)");
  }
  if (precision == Precision::kBFloat16 && device.is_cpu() && !native_cpu_bf16()) {
    throw ConfigError(key + ": bf16 on the CPU needs avx512_bf16 or amx_bf16, and " + cpu_bf16_shortfall() +
                      "; oneDNN would run bfloat16 on reference kernels, about 65x slower than fp32. "
                      "Use fp32, or auto (bf16 where native, fp32 elsewhere); `segkit doctor` shows what this machine has");
  }
}

namespace {

// LibTorch 2.4 replaced the per-device autocast calls (set_cpu_enabled, get_autocast_gpu_dtype, ...)
// by ones taking the device type, and deprecated the old ones with a run-time warning.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
bool autocast_enabled(c10::DeviceType type) { return at::autocast::is_autocast_enabled(type); }
void set_autocast_enabled(c10::DeviceType type, bool on) { at::autocast::set_autocast_enabled(type, on); }
torch::ScalarType autocast_dtype(c10::DeviceType type) { return at::autocast::get_autocast_dtype(type); }
void set_autocast_dtype(c10::DeviceType type, torch::ScalarType dtype) { at::autocast::set_autocast_dtype(type, dtype); }
#else
bool autocast_enabled(c10::DeviceType type) {
  return type == c10::kCUDA ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
}
void set_autocast_enabled(c10::DeviceType type, bool on) {
  type == c10::kCUDA ? at::autocast::set_enabled(on) : at::autocast::set_cpu_enabled(on);
}
torch::ScalarType autocast_dtype(c10::DeviceType type) {
  return type == c10::kCUDA ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
}
void set_autocast_dtype(c10::DeviceType type, torch::ScalarType dtype) {
  type == c10::kCUDA ? at::autocast::set_autocast_gpu_dtype(dtype) : at::autocast::set_autocast_cpu_dtype(dtype);
}
#endif

}  // namespace

AutocastScope::AutocastScope(Precision requested, const torch::Device& device) {
  const Precision precision = resolve_precision(requested, device);
  if (precision == Precision::kFloat32) return;
  active_ = true;
  device_type_ = device.is_cuda() ? c10::kCUDA : c10::kCPU;
  was_enabled_ = autocast_enabled(device_type_);
  previous_dtype_ = autocast_dtype(device_type_);
  set_autocast_dtype(device_type_, scalar_type(precision));
  set_autocast_enabled(device_type_, true);
  at::autocast::increment_nesting();
}

AutocastScope::~AutocastScope() {
  if (!active_) return;
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  set_autocast_enabled(device_type_, was_enabled_);
  set_autocast_dtype(device_type_, previous_dtype_);
}

Precision training_precision(const std::string& name, const torch::Device& device) {
  const Precision precision = resolve_precision(parse_precision(name, "train.precision"), device, Use::kTraining);
  check_precision(precision, device, "train.precision");
  if (precision == Precision::kBFloat16 && device.is_cpu()) hold_onednn_below_amx_for_training();
  return precision;
}

void configure_device(const torch::Device& device, bool cudnn_benchmark) {
  if (device.is_cuda()) at::globalContext().setBenchmarkCuDNN(cudnn_benchmark);
}

}  // namespace segkit::nn
