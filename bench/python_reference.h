#pragma once
// Runs a Python reference (bench/python/*.py) as a subprocess and reads the JSON object it prints as
// its last stdout line. Two flavours, both in every table (docs/benchmarks.md): Python as its users run
// it (threads = cores, glibc malloc) and tuned Python (tcmalloc preloaded; the script adds
// channels-last and inference mode when given --tuned).

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace segkit::bench {

enum class PythonFlavour { kAsUsersRunIt, kTuned };

inline std::string python_interpreter() {
  // Debian's interpreter: python3-torch, -torchvision and -opencv install there, not into a pyenv.
  return std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

inline std::string tcmalloc_library() {
  for (const char* path : {"/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4",
                           "/usr/lib/aarch64-linux-gnu/libtcmalloc_minimal.so.4"}) {
    if (std::filesystem::exists(path)) return path;
  }
  return "";
}

/// The script's JSON result, or nullopt (with the reason on stderr) when Python, torch or the script
/// failed. `arguments` are appended verbatim (the caller quotes paths it builds itself).
inline std::optional<nlohmann::json> run_python(const std::string& script, const std::string& arguments,
                                                PythonFlavour flavour = PythonFlavour::kAsUsersRunIt) {
  const std::string path = std::string(SEGKIT_SOURCE_DIR) + "/bench/python/" + script;
  std::string command = python_interpreter() + " " + path + " " + arguments;
  if (flavour == PythonFlavour::kTuned) {
    const std::string tcmalloc = tcmalloc_library();
    command = (tcmalloc.empty() ? "" : "LD_PRELOAD=" + tcmalloc + " ") + command + " --tuned";
  }
  FILE* pipe = popen((command + " 2>/tmp/segkit_bench_python.err").c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  std::string output;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  const int status = pclose(pipe);
  while (!output.empty() && output.back() == '\n') output.pop_back();
  const std::string last_line = output.substr(output.find_last_of('\n') + 1);
  if (status != 0 || last_line.empty()) {
    std::fprintf(stderr, "python reference failed (%s); see /tmp/segkit_bench_python.err\n", command.c_str());
    return std::nullopt;
  }
  try {
    return nlohmann::json::parse(last_line);
  } catch (const nlohmann::json::exception&) {
    std::fprintf(stderr, "python reference printed no JSON: %s\n", last_line.c_str());
    return std::nullopt;
  }
}

/// One line: segkit's peak RSS (a fresh process, child_process.h) beside the `peak_rss_mb` the script
/// reports under both flavours, with the ratios (< 1: segkit needs less).
inline void print_peak_rss(const std::string& label, double segkit_mb, const std::string& script,
                           const std::string& arguments) {
  const auto python = run_python(script, arguments);
  const auto tuned = run_python(script, arguments, PythonFlavour::kTuned);
  const double python_mb = python ? python->at("peak_rss_mb").get<double>() : 0;
  const double tuned_mb = tuned ? tuned->at("peak_rss_mb").get<double>() : 0;
  std::printf("\npeak RSS, %s: segkit %.0f MiB, python %.0f MiB (%.2fx), tuned python %.0f MiB (%.2fx)\n",
              label.c_str(), segkit_mb, python_mb, segkit_mb / python_mb, tuned_mb, segkit_mb / tuned_mb);
}

}  // namespace segkit::bench
