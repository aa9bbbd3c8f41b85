#pragma once
// Wall time and peak memory of a whole process, measured the way that compares with a Python
// process: run it fresh (another program, or this program again with arguments that select the
// work) and read the child's ru_maxrss from wait4.

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

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
  // The child inherits unflushed stdio buffers, and freopen() below would write them a second time.
  std::fflush(stdout);
  std::fflush(stderr);
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid < 0) return {};
  if (pid == 0) {
    if (freopen("/dev/null", "w", stdout) == nullptr || freopen("/dev/null", "w", stderr) == nullptr) _exit(126);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) != pid) return {};
  ProcessResult result;
  result.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.peak_rss_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;
  return result;
}

/// This program again with `arguments`; its peak RSS in MiB, or -1 when it failed.
inline double child_peak_rss_mb(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), "/proc/self/exe");
  const auto result = run_process(std::move(arguments));
  return result.ok ? result.peak_rss_mb : -1;
}

}  // namespace segkit::bench
