#include "segkit/nn/machine.h"

#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <dlfcn.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include "segkit/core/logging.h"
#include "segkit/nn/mixed_precision.h"

#include <cctype>
#include <cstdlib>
#include <map>
#include <optional>

namespace segkit::nn {
namespace {

// oneDNN's C API, looked up in the process rather than through its headers: Debian ships
// libdnnl.so.2 (loaded by libtorch_cpu) without libdnnl-dev, and a CUDA LibTorch may link oneDNN
// statically with hidden symbols, in which case the CPU flags alone decide.
struct OneDnnVersion {
  int major, minor, patch;
  const char* hash;
  unsigned cpu_runtime, gpu_runtime;
};

// dnnl_cpu_isa_t is a bit set: each ISA includes the bits of those below it.
constexpr unsigned kIsaAvx512Core = 0x27;
constexpr unsigned kIsaAvx512CoreBf16 = 0xe7;

std::optional<unsigned> onednn_effective_isa() {
  using Fn = int (*)();
  static const auto fn = reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, "dnnl_get_effective_cpu_isa"));
  if (fn == nullptr) return std::nullopt;
  return static_cast<unsigned>(fn());
}

const OneDnnVersion* onednn_version() {
  using Fn = const OneDnnVersion* (*)();
  static const auto fn = reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, "dnnl_version"));
  return fn == nullptr ? nullptr : fn();
}

std::string onednn_isa_name(unsigned isa, int major) {
  // Values 0xf and 0x1f changed meaning in oneDNN 3 (Xeon Phi ISAs removed, AVX2-VNNI added).
  static const std::map<unsigned, std::string> kCommon{
      {0x0, "all"}, {0x1, "sse41"}, {0x3, "avx"}, {0x7, "avx2"}, {0x27, "avx512_core"},
      {0x67, "avx512_core_vnni"}, {0xe7, "avx512_core_bf16"}};
  static const std::map<unsigned, std::string> kV2{
      {0xf, "avx512_mic"}, {0x1f, "avx512_mic_4ops"}, {0x3e7, "avx512_core_amx"}, {0x407, "avx2_vnni"}};
  static const std::map<unsigned, std::string> kV3{
      {0xf, "avx2_vnni"}, {0x1f, "avx2_vnni_2"}, {0x1ef, "avx512_core_fp16"}, {0xfef, "avx512_core_amx"},
      {0x1fef, "avx512_core_amx_fp16"}};
  if (auto it = kCommon.find(isa); it != kCommon.end()) return it->second;
  const auto& specific = major >= 3 ? kV3 : kV2;
  if (auto it = specific.find(isa); it != specific.end()) return it->second;
  return fmt::format("0x{:x}", isa);
}

// at::show_config() names the vector kernels ATen dispatches to ("CPU capability usage: AVX2"),
// after ATEN_CPU_CAPABILITY and what the build compiled (Debian's 1.13 tops out at AVX2).
std::string aten_capability_name() {
  static const std::string kPrefix = "CPU capability usage: ";
  const std::string config = at::show_config();
  const auto at = config.find(kPrefix);
  if (at == std::string::npos) return "unknown";
  const auto start = at + kPrefix.size();
  return config.substr(start, config.find('\n', start) - start);
}

const CpuInfo& cpu() {
  static const CpuInfo info = read_cpu_info();
  return info;
}

// oneDNN 2.x's names for ONEDNN_MAX_CPU_ISA and their dnnl_cpu_isa_t bit sets.
std::optional<unsigned> isa_limit(std::string name) {
  for (auto& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  static const std::map<std::string, unsigned> kLimits{
      {"SSE41", 0x1}, {"AVX", 0x3}, {"AVX2", 0x7}, {"AVX2_VNNI", 0x7}, {"AVX512_CORE", 0x27},
      {"AVX512_CORE_VNNI", 0x67}, {"AVX512_CORE_BF16", 0xe7}, {"AVX512_CORE_AMX", 0x3e7}, {"ALL", ~0u}};
  const auto it = kLimits.find(name);
  if (it == kLimits.end()) return std::nullopt;  // oneDNN ignores names it does not know
  return it->second;
}

std::string isa_limit_variable() {
  for (const char* name : {"ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA"}) {
    if (const char* value = std::getenv(name); value != nullptr && *value != '\0') return value;
  }
  return "";
}

constexpr unsigned kIsaAvx512CoreAmx = 0x3e7;

std::string cpu_bf16_feature() {
  if (cpu().has("amx_bf16")) return "amx_bf16";
  if (cpu().has("avx512_bf16")) return "avx512_bf16";
  return "";
}

}  // namespace

unsigned expected_onednn_isa(const CpuInfo& info, const std::string& limit_name) {
  unsigned isa = 0;
  if (info.has("sse4_1")) isa = 0x1;
  if (info.has("avx")) isa = 0x3;
  if (info.has("avx2")) isa = 0x7;
  if (info.has("avx512f") && info.has("avx512bw") && info.has("avx512vl") && info.has("avx512dq")) isa = 0x27;
  if (isa == 0x27 && info.has("avx512_vnni")) isa = 0x67;
  if (isa == 0x67 && info.has("avx512_bf16")) isa = kIsaAvx512CoreBf16;
  if (isa == kIsaAvx512CoreBf16 && info.has("amx_tile") && info.has("amx_bf16")) isa = kIsaAvx512CoreAmx;
  const auto limit = isa_limit(limit_name);
  // The ISAs form a chain of growing bit sets: the lower of the CPU's and the limit wins.
  if (limit && (isa & *limit) == *limit) return *limit;
  return isa;
}

unsigned expected_onednn_isa() { return expected_onednn_isa(cpu(), isa_limit_variable()); }

bool native_cpu_bf16() {
  return !cpu_bf16_feature().empty() && (expected_onednn_isa() & kIsaAvx512CoreBf16) == kIsaAvx512CoreBf16;
}

bool onednn_uses_avx512() { return (expected_onednn_isa() & kIsaAvx512Core) == kIsaAvx512Core; }

bool bf16_training_pays_off() {
  const auto* version = onednn_version();
  const bool old_onednn = version == nullptr || version->major < 3;
  return native_cpu_bf16() && !(cpu().has("amx_bf16") && old_onednn);
}

bool hold_onednn_below_amx_for_training() {
  static bool held = false;
  if (held) return true;
  const auto* version = onednn_version();
  const bool amx = (expected_onednn_isa() & kIsaAvx512CoreAmx) == kIsaAvx512CoreAmx;
  if (!amx || !isa_limit_variable().empty() || version == nullptr || version->major >= 3) return false;
  using Fn = int (*)(unsigned);
  static const auto set_max_isa = reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, "dnnl_set_max_cpu_isa"));
  // A non-zero status: oneDNN already created a primitive and fixed its ISA for this process.
  if (set_max_isa == nullptr || set_max_isa(kIsaAvx512CoreBf16) != 0) return false;
  held = true;
  log::warn("bf16 training on an AMX CPU: oneDNN held to avx512_core_bf16 (oneDNN {}.{}'s AMX kernels take "
            "minutes per 256x1600 step; ONEDNN_MAX_CPU_ISA overrides). Measured here at 0.75x of fp32: "
            "train.precision fp32 or auto is faster on this CPU", version->major, version->minor);
  return true;
}

std::string cpu_bf16_shortfall() {
  const std::string feature = cpu_bf16_feature();
  if (feature.empty()) return fmt::format("this CPU ({}) has neither avx512_bf16 nor amx_bf16", cpu().model);
  if (!native_cpu_bf16()) {
    return fmt::format("this CPU has {} but oneDNN is limited to {} (ONEDNN_MAX_CPU_ISA)", feature,
                       onednn_isa_name(expected_onednn_isa(), 2));
  }
  return fmt::format("through {}", feature);
}

MachineReport machine_report() {
  MachineReport report;
  report.cpu = cpu();
  if (const auto* version = onednn_version()) {
    report.onednn_version = fmt::format("{}.{}.{}", version->major, version->minor, version->patch);
    if (const auto isa = onednn_effective_isa()) report.onednn_isa = onednn_isa_name(*isa, version->major);
  }
  report.aten_capability = aten_capability_name();
  report.threads = at::get_num_threads();
  report.blas = blas_in_use();
  report.allocator = allocator_in_use();
  report.torch_version = TORCH_VERSION;
  report.cuda_devices = torch::cuda::is_available() ? static_cast<int>(torch::cuda::device_count()) : 0;
  report.native_bf16 = native_cpu_bf16();
  report.bf16_note = cpu_bf16_shortfall();
  const torch::Device cpu_device(torch::kCPU);
  report.auto_precision_cpu = precision_name(resolve_precision(Precision::kAuto, cpu_device));
  report.auto_training_precision_cpu = precision_name(resolve_precision(Precision::kAuto, cpu_device, Use::kTraining));
  report.auto_precision_cuda =
      report.cuda_devices > 0 ? precision_name(resolve_precision(Precision::kAuto, torch::Device(torch::kCUDA, 0))) : "";
  report.auto_channels_last_cpu = onednn_uses_avx512();
  return report;
}

nlohmann::json to_json(const MachineReport& report) {
  return {{"cpu", report.cpu.model},
          {"logical_cores", report.cpu.logical_cores},
          {"isa_flags", report.cpu.isa_flags()},
          {"onednn", report.onednn_version},
          {"onednn_isa", report.onednn_isa},
          {"aten_cpu_capability", report.aten_capability},
          {"threads", report.threads},
          {"blas", report.blas},
          {"allocator", report.allocator},
          {"libtorch", report.torch_version},
          {"cuda_devices", report.cuda_devices},
          {"native_bf16", report.native_bf16},
          {"bf16", report.bf16_note},
          {"auto_precision_cpu", report.auto_precision_cpu},
          {"auto_training_precision_cpu", report.auto_training_precision_cpu},
          {"auto_precision_cuda", report.auto_precision_cuda},
          {"auto_channels_last_cpu", report.auto_channels_last_cpu}};
}

std::string to_text(const MachineReport& report) {
  std::string text;
  const auto line = [&](const char* name, const std::string& value) { text += fmt::format("{:<20}{}\n", name, value); };
  line("cpu:", fmt::format("{} ({} logical cores)", report.cpu.model, report.cpu.logical_cores));
  line("isa flags:", fmt::format("{}", fmt::join(report.cpu.isa_flags(), " ")));
  line("oneDNN:", fmt::format("{}, dispatching to {}", report.onednn_version, report.onednn_isa));
  line("ATen kernels:", report.aten_capability);
  line("LibTorch:", report.torch_version);
  line("threads:", std::to_string(report.threads));
  line("BLAS:", report.blas);
  line("allocator:", report.allocator);
  line("CUDA:", report.cuda_devices > 0 ? fmt::format("{} device(s)", report.cuda_devices) : "none");
  line("bfloat16:", fmt::format("{}{}", report.native_bf16 ? "native, " : "not native: ", report.bf16_note));
  line("precision auto:", fmt::format("{} for inference, {} for training on the CPU{}", report.auto_precision_cpu,
                                      report.auto_training_precision_cpu,
                                      report.auto_precision_cuda.empty() ? "" : ", " + report.auto_precision_cuda + " on CUDA"));
  line("training layout:", report.auto_channels_last_cpu ? "channels-last (train.channels_last: auto)"
                                                         : "NCHW (train.channels_last: auto; channels-last is slower here)");
  return text;
}

}  // namespace segkit::nn
