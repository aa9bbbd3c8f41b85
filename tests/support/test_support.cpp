#include "tests/support/test_support.h"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

#include "segkit/core/atomic_file.h"

namespace segkit::test {

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  std::random_device entropy;
  path_ = std::filesystem::temp_directory_path() /
          ("segkit-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
           std::to_string(entropy()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::filesystem::path write_text(const std::filesystem::path& path, const std::string& text) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::optional<std::filesystem::path> shared_dir() {
  if (const char* env = std::getenv("SEGKIT_SHARED_DIR")) {
    if (std::filesystem::is_directory(env)) return std::filesystem::path(env);
  }
  auto candidate = std::filesystem::path(SEGKIT_SOURCE_DIR).parent_path() / "shared";
  if (std::filesystem::is_directory(candidate)) return candidate;
  return std::nullopt;
}

std::filesystem::path source_dir() { return SEGKIT_SOURCE_DIR; }

CommandResult run_segkit(const std::string& arguments, const std::string& environment) {
  TempDir scratch;
  const auto out_path = scratch / "stdout";
  const auto err_path = scratch / "stderr";
  const std::string command = environment + (environment.empty() ? "" : " ") + "'" + SEGKIT_CLI_PATH + "' " + arguments + " >'" +
                              out_path.string() + "' 2>'" + err_path.string() + "' </dev/null";
  int status = std::system(command.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  return result;
}

std::filesystem::path synth_steel_run(const std::filesystem::path& data_dir, int count, const std::string& size,
                                      const std::string& rest, const std::string& model_extra) {
  const auto synth = run_segkit("synth --kind steel --count " + std::to_string(count) + " --size " + size + " '" +
                                data_dir.string() + "'");
  EXPECT_EQ(synth.exit_code, 0) << synth.err;
  return write_text(data_dir / "run.yaml",
                    "include: data.yaml\n"
                    "model: {arch: unet, encoder_name: resnet18, encoder_depth: 3, decoder_channels: [16, 8, 4]" +
                        (model_extra.empty() ? std::string() : ", " + model_extra) + "}\n" + rest);
}

}  // namespace segkit::test
