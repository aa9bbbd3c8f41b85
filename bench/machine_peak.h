#pragma once
// The machine's measured peak, in the same run as the figures it puts in proportion: a large 3x3
// convolution through LibTorch (oneDNN) and a large float32 matrix product (OpenBLAS). The best of a
// few shapes and both memory formats, so the peak is what the kernels can reach, not one shape's luck.

#include <torch/torch.h>

#include "bench/timing.h"

namespace segkit::bench {

struct MachinePeak {
  double conv3x3_gflops = 0;
  double matmul_gflops = 0;
  double conv3x3_bf16_gflops = 0;
};

inline double conv3x3_gflops(int64_t batch, int64_t channels, int64_t size, bool channels_last, torch::Dtype dtype) {
  c10::InferenceMode guard;
  const auto format = channels_last ? torch::MemoryFormat::ChannelsLast : torch::MemoryFormat::Contiguous;
  const auto input = torch::randn({batch, channels, size, size}).to(dtype).contiguous(format);
  const auto weight = torch::randn({channels, channels, 3, 3}).to(dtype).contiguous(format);
  const double flops = 2.0 * batch * channels * channels * 9 * size * size;
  const double seconds = median_seconds([&] { torch::conv2d(input, weight, {}, 1, 1); }, 7, 2);
  return flops / seconds / 1e9;
}

/// `bf16`: also the bfloat16 convolution peak (only meaningful where the CPU has native bf16).
inline MachinePeak measure_machine_peak(bool bf16) {
  MachinePeak peak;
  // The shapes of Unet-ResNet34's heavy layers: wide and small, narrow and large.
  for (const auto& [channels, size] : std::vector<std::pair<int64_t, int64_t>>{{256, 64}, {64, 256}}) {
    for (bool channels_last : {false, true}) {
      peak.conv3x3_gflops = std::max(peak.conv3x3_gflops, conv3x3_gflops(2, channels, size, channels_last, torch::kFloat));
      if (bf16) {
        peak.conv3x3_bf16_gflops =
            std::max(peak.conv3x3_bf16_gflops, conv3x3_gflops(2, channels, size, channels_last, torch::kBFloat16));
      }
    }
  }
  c10::InferenceMode guard;
  const int64_t n = 2048;
  const auto a = torch::randn({n, n}), b = torch::randn({n, n});
  peak.matmul_gflops = 2.0 * n * n * n / median_seconds([&] { torch::mm(a, b); }, 7, 2) / 1e9;
  return peak;
}

}  // namespace segkit::bench
