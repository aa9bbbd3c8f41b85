#pragma once
// Wall time and peak memory of a whole process, measured the way that compares with a Python
// process: run it fresh (another program, or this program again with arguments that select the
// work).
//
// A child's ru_maxrss is at least its parent's peak: Linux carries the old address space's high-water
// mark across exec, with fork and posix_spawn alike (measured: a parent that once held 3 GB saw every
// child report 3 GB). So this program's own children report their peak themselves, from VmHWM, which
// belongs to the new address space (child_peak_rss_mb + report_peak_rss). For other programs
// run_process's figure is an upper bound. Python references run through popen's shell, whose fork
// starts them from the small shell: their ru_maxrss is their own.

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

extern char** environ;

namespace segkit::bench {

struct ProcessResult {
  bool ok = false;
  double seconds = 0;
  double peak_rss_mb = 0;
};

/// Runs argv[0] (searched on PATH) with stdout and stderr discarded.
inline ProcessResult run_process(std::vector<std::string> arguments) {
  std::vector<char*> argv;
  for (auto& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  // posix_spawn: no copy of a multi-GB parent's page tables, and no stdio buffers duplicated.
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return {};
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) != pid) return {};
  ProcessResult result;
  result.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.peak_rss_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;
  return result;
}

/// This process's peak resident memory in MiB (VmHWM of /proc/self/status), or -1.
inline double own_peak_rss_mb() {
  std::FILE* status = std::fopen("/proc/self/status", "r");
  if (status == nullptr) return -1;
  char line[256];
  double kib = -1;
  while (std::fgets(line, sizeof line, status) != nullptr) {
    if (std::sscanf(line, "VmHWM: %lf kB", &kib) == 1) break;
  }
  std::fclose(status);
  return kib < 0 ? -1 : kib / 1024.0;
}

constexpr const char* kPeakFileVariable = "SEGKIT_BENCH_PEAK_FILE";

/// Called last in a child started by child_peak_rss_mb: hands its own peak to the parent.
inline void report_peak_rss() {
  const char* path = std::getenv(kPeakFileVariable);
  if (path == nullptr) return;
  if (std::FILE* file = std::fopen(path, "w")) {
    std::fprintf(file, "%.1f\n", own_peak_rss_mb());
    std::fclose(file);
  }
}

/// This program again with `arguments` (a child mode that ends with report_peak_rss()); its peak
/// RSS in MiB, or -1 when it failed.
inline double child_peak_rss_mb(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), "/proc/self/exe");
  const std::string path = "/tmp/segkit_bench_peak_" + std::to_string(getpid());
  setenv(kPeakFileVariable, path.c_str(), 1);
  const auto result = run_process(std::move(arguments));
  unsetenv(kPeakFileVariable);
  double peak = -1;
  if (std::FILE* file = std::fopen(path.c_str(), "r")) {
    if (std::fscanf(file, "%lf", &peak) != 1) peak = -1;
    std::fclose(file);
    std::remove(path.c_str());
  }
  return result.ok ? peak : -1;
}

}  // namespace segkit::bench
