#pragma once
// Tests of bfloat16 compute on the CPU run only where the CPU has it natively: elsewhere segkit
// refuses bf16 (nn/machine.h), and oneDNN's reference kernels would take minutes.

#include <gtest/gtest.h>

#include "segkit/nn/machine.h"

#define SEGKIT_REQUIRE_NATIVE_BF16()                                                                  \
  if (!::segkit::nn::native_cpu_bf16())                                                               \
  GTEST_SKIP() << "needs native bfloat16 on the CPU: " << ::segkit::nn::cpu_bf16_shortfall()
