#pragma once
// Every bench table starts with the machine it was measured on (`segkit doctor`'s report): a ratio
// holds for a CPU class, not for every CPU (docs/benchmarks.md has AVX2 and AVX-512 columns).

#include <cstdio>

#include "segkit/nn/machine.h"

namespace segkit::bench {

inline void print_machine() {
  std::printf("%s\n", segkit::nn::to_text(segkit::nn::machine_report()).c_str());
}

/// Whether to measure bfloat16: only where the CPU computes it natively (segkit refuses it elsewhere).
inline bool measure_bf16() {
  const bool native = segkit::nn::native_cpu_bf16();
  if (!native) std::printf("bf16 rows skipped: %s\n", segkit::nn::cpu_bf16_shortfall().c_str());
  return native;
}

}  // namespace segkit::bench
