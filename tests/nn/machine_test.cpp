// What segkit expects oneDNN to dispatch to, worked out from CPU flags and ONEDNN_MAX_CPU_ISA: the
// basis of bf16's refusal, `precision: auto` and `train.channels_last: auto` on every CPU class.

#include "segkit/nn/machine.h"

#include <gtest/gtest.h>

namespace segkit::nn {
namespace {

CpuInfo cpu_with(const std::string& flags) { return parse_cpu_info("processor\t: 0\nflags\t\t: " + flags + "\n"); }

TEST(Machine, TheExpectedIsaFollowsTheFlagsAndTheLimit) {
  const auto zen3 = cpu_with("sse4_1 sse4_2 avx fma avx2");
  const auto skylake = cpu_with("sse4_1 avx avx2 fma avx512f avx512bw avx512vl avx512dq");
  const auto sapphire = cpu_with("sse4_1 avx avx2 fma avx512f avx512bw avx512vl avx512dq avx512_vnni avx512_bf16 "
                                 "amx_tile amx_bf16");
  EXPECT_EQ(expected_onednn_isa(zen3, ""), 0x7u);
  EXPECT_EQ(expected_onednn_isa(skylake, ""), 0x27u);
  EXPECT_EQ(expected_onednn_isa(sapphire, ""), 0x3e7u);
  EXPECT_EQ(expected_onednn_isa(sapphire, "AVX2"), 0x7u);
  EXPECT_EQ(expected_onednn_isa(sapphire, "avx512_core_bf16"), 0xe7u);
  EXPECT_EQ(expected_onednn_isa(zen3, "AVX512_CORE"), 0x7u) << "a limit above the CPU changes nothing";
  EXPECT_EQ(expected_onednn_isa(sapphire, "NO_SUCH_ISA"), 0x3e7u) << "oneDNN ignores names it does not know";
}

TEST(Machine, CpuInfoReadsTheModelAndCountsProcessors) {
  const auto info = parse_cpu_info("processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags\t\t: avx2 fma\n"
                                   "processor\t: 1\nmodel name\t: AMD EPYC 7B13\nflags\t\t: avx2 fma\n");
  EXPECT_EQ(info.model, "AMD EPYC 7B13");
  EXPECT_EQ(info.logical_cores, 2);
  EXPECT_TRUE(info.has("avx2"));
  EXPECT_FALSE(info.has("avx512f"));
  EXPECT_EQ(info.isa_flags(), (std::vector<std::string>{"fma", "avx2"}));
}

TEST(Machine, TheReportNamesThisProcesssAllocatorAndBlas) {
  const auto report = to_json(machine_report());
  for (const char* key : {"cpu", "isa_flags", "onednn_isa", "aten_cpu_capability", "threads", "blas", "allocator",
                          "native_bf16", "auto_precision_cpu", "auto_channels_last_cpu"}) {
    EXPECT_TRUE(report.contains(key)) << key;
  }
  EXPECT_EQ(report.at("native_bf16").get<bool>(), native_cpu_bf16());
}

}  // namespace
}  // namespace segkit::nn
