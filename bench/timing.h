#pragma once
// Plain timers for the bench programs: warm-up, many repetitions, median. Machines here are shared and
// noisy, so every program reports a ratio against a reference timed in the same run.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace segkit::bench {

/// Median wall time in seconds of `repetitions` calls after `warmup` untimed calls.
inline double median_seconds(const std::function<void()>& work, int repetitions = 15, int warmup = 3) {
  for (int i = 0; i < warmup; ++i) work();
  std::vector<double> times;
  for (int i = 0; i < repetitions; ++i) {
    auto start = std::chrono::steady_clock::now();
    work();
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
  return times[times.size() / 2];
}

inline void print_header() {
  std::printf("%-44s %14s %14s %8s\n", "case", "segkit", "reference", "ratio");
}

/// One row: times in seconds, the ratio is reference/segkit (> 1: segkit is faster).
inline void print_row(const std::string& name, double segkit_s, double reference_s) {
  std::printf("%-44s %11.3f ms %11.3f ms %7.2fx\n", name.c_str(), segkit_s * 1e3, reference_s * 1e3,
              reference_s / segkit_s);
}

}  // namespace segkit::bench
