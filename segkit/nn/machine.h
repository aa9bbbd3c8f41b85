#pragma once
// The machine as LibTorch will use it: the CPU and its instruction sets, the ISA oneDNN actually
// dispatches to (ONEDNN_MAX_CPU_ISA can lower it) and ATen's vector kernels (ATEN_CPU_CAPABILITY),
// threads, BLAS, allocator, CUDA, and the precision `auto` picks. `segkit doctor` prints it, every
// run records it in run_info.json and every bench table starts with it.
//
//   const auto report = segkit::nn::machine_report();
//   std::cout << segkit::nn::to_text(report);
//   if (!segkit::nn::native_cpu_bf16()) std::cerr << segkit::nn::cpu_bf16_shortfall();

#include <nlohmann/json.hpp>

#include <string>

#include "segkit/core/host.h"

namespace segkit::nn {

struct MachineReport {
  CpuInfo cpu;
  std::string onednn_version = "unknown";
  std::string onednn_isa = "unknown";      ///< "avx512_core_amx", "avx2", ... as oneDNN names them
  std::string aten_capability = "unknown"; ///< ATen's vector kernels: DEFAULT, AVX2 or AVX512
  int threads = 0;
  std::string blas;
  std::string allocator;
  std::string torch_version;
  int cuda_devices = 0;
  bool native_bf16 = false;        ///< bfloat16 convolutions in hardware on this CPU, as oneDNN runs it
  std::string bf16_note;           ///< which feature provides it, or what is missing
  std::string auto_precision_cpu;  ///< what `precision: auto` runs on the CPU for inference
  std::string auto_training_precision_cpu;  ///< ... and for training
  std::string auto_precision_cuda; ///< ... and on CUDA ("" without a CUDA device)
  bool auto_channels_last_cpu = false;  ///< what `train.channels_last: auto` picks on the CPU
};

MachineReport machine_report();
nlohmann::json to_json(const MachineReport& report);
/// One "name: value" line per field, for `segkit doctor` and bench headers.
std::string to_text(const MachineReport& report);

/// The ISA oneDNN dispatches to, as its dnnl_cpu_isa_t bit set (0x7 avx2, 0x27 avx512_core, 0xe7
/// avx512_core_bf16, 0x3e7 AMX), from the CPU flags and ONEDNN_MAX_CPU_ISA (or DNNL_MAX_CPU_ISA)
/// without asking oneDNN: asking fixes oneDNN's ISA for the life of the process, and bf16 training
/// must still be able to lower it (hold_onednn_below_amx_for_training).
unsigned expected_onednn_isa();
/// The same rule for given flags and limit name (for tests).
unsigned expected_onednn_isa(const CpuInfo& cpu, const std::string& limit);

/// True when the CPU computes bfloat16 in hardware and oneDNN may use it: its ISA includes
/// avx512_core_bf16 (or AMX). Without it oneDNN and ATen run bfloat16 convolutions on reference
/// kernels, measured 65x slower than float32 on an AVX2 CPU.
bool native_cpu_bf16();

/// Whether bf16 autocast training is faster than fp32 here: native bf16 and not an AMX CPU under
/// oneDNN 2.x. There, measured on a Sapphire Rapids VM, AMX takes minutes per 256x1600 step and the
/// AVX512-BF16 kernels run at 0.75x of fp32; on AVX512-BF16 CPUs without AMX (Zen 4) a step is 1.6-2x
/// faster (docs/benchmarks.md). Decides `train.precision: auto`.
bool bf16_training_pays_off();

/// bf16 training on an AMX CPU: oneDNN 2.6's AMX kernels take minutes per 256x1600 training step
/// where its AVX512-BF16 kernels take about a second, so a training process holds oneDNN to
/// avx512_core_bf16 (unless ONEDNN_MAX_CPU_ISA is set). Works only before the process's first oneDNN
/// primitive; returns whether oneDNN is held.
bool hold_onednn_below_amx_for_training();
/// True when oneDNN dispatches to AVX-512 (or better) on this CPU: there channels-last training steps
/// are 4-9 % faster than NCHW, while with oneDNN's AVX2 kernels they are up to 25 % slower
/// (docs/benchmarks.md, "CPU classes"). Without oneDNN's answer, the CPU flags decide.
bool onednn_uses_avx512();

/// Why native_cpu_bf16() is false ("this CPU (AMD EPYC 7B13) has neither avx512_bf16 nor amx_bf16"),
/// or which feature makes it true.
std::string cpu_bf16_shortfall();

}  // namespace segkit::nn
