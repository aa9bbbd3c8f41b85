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
  std::string auto_precision_cpu;  ///< what `precision: auto` runs on the CPU
  std::string auto_precision_cuda; ///< ... and on CUDA ("" without a CUDA device)
};

MachineReport machine_report();
nlohmann::json to_json(const MachineReport& report);
/// One "name: value" line per field, for `segkit doctor` and bench headers.
std::string to_text(const MachineReport& report);

/// True when the CPU computes bfloat16 in hardware and oneDNN may use it: oneDNN's effective ISA
/// includes avx512_core_bf16 (or AMX). Without it oneDNN and ATen run bfloat16 convolutions on
/// reference kernels, measured 65x slower than float32 on an AVX2 CPU.
bool native_cpu_bf16();
/// Why native_cpu_bf16() is false ("this CPU (AMD EPYC 7B13) has neither avx512_bf16 nor amx_bf16"),
/// or which feature makes it true.
std::string cpu_bf16_shortfall();

}  // namespace segkit::nn
