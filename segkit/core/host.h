#pragma once
// What the host machine is, read from the kernel rather than assumed: the CPU's model and
// instruction-set flags (/proc/cpuinfo), and which BLAS and allocator this process actually loaded
// (/proc/self/maps). Torch-free; nn/machine.h adds what LibTorch and oneDNN decide on top of it.
//
//   const auto cpu = segkit::read_cpu_info();
//   if (cpu.has("avx512_bf16") || cpu.has("amx_bf16")) { ... }

#include <set>
#include <string>
#include <vector>

namespace segkit {

struct CpuInfo {
  std::string model = "unknown";  ///< "AMD EPYC 7B13", "Intel(R) Xeon(R) Processor", ...
  int logical_cores = 0;
  std::set<std::string> flags;    ///< the kernel's names, as `lscpu` prints them (avx2, avx512_bf16, amx_bf16)
  bool has(const std::string& flag) const { return flags.count(flag) > 0; }
  /// The flags that decide which kernels run, strongest last (sse4_1 ... amx_bf16), for reports.
  std::vector<std::string> isa_flags() const;
};

/// Parses /proc/cpuinfo (the first processor's model and flags). On a system without it, the model
/// stays "unknown" and the flags empty.
CpuInfo read_cpu_info();
/// Parses the text of a /proc/cpuinfo file (for tests).
CpuInfo parse_cpu_info(const std::string& text);

/// Shared libraries this process has mapped whose file name contains `fragment` ("tcmalloc",
/// "blas"), as full paths without duplicates, in load order.
std::vector<std::string> loaded_libraries(const std::string& fragment);

/// "tcmalloc (/usr/lib/.../libtcmalloc_minimal.so.4)" or "glibc malloc".
std::string allocator_in_use();
/// The BLAS that serves LibTorch's matmul and transposed convolutions, e.g. "OpenBLAS (openmp):
/// /usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3"; "reference BLAS" names the slow netlib one.
std::string blas_in_use();

}  // namespace segkit
