#include "segkit/nn/runtime.h"

#include <gtest/gtest.h>
#include <torch/cuda.h>

#include "segkit/core/error.h"

namespace segkit::nn {
namespace {

TEST(Runtime, ConfigureThreadsUsesRequestOrEnvironment) {
  EXPECT_EQ(configure_threads(2), 2);
  EXPECT_EQ(intra_op_threads(), 2);
  // ctest exports OMP_NUM_THREADS=1 for every test.
  ::setenv("OMP_NUM_THREADS", "1", 1);
  EXPECT_EQ(configure_threads(0), 1);
}

TEST(Runtime, ResolvesDeviceNames) {
  EXPECT_EQ(resolve_device("cpu"), "cpu");
  EXPECT_EQ(resolve_device("auto"), torch::cuda::is_available() ? "cuda:0" : "cpu");
  EXPECT_THROW(resolve_device("gpu"), ConfigError);
  if (!torch::cuda::is_available()) {
    EXPECT_THROW(resolve_device("cuda"), ConfigError);
  }
  EXPECT_THROW(resolve_device("cuda:99"), ConfigError);
}

TEST(Runtime, ReportsVersions) {
  auto info = runtime_info();
  EXPECT_FALSE(info.torch_version.empty());
  EXPECT_GE(info.threads, 1);
}

}  // namespace
}  // namespace segkit::nn
