#pragma once
// Shared helpers for the test binaries.

#include <filesystem>
#include <optional>
#include <string>

namespace segkit::test {

/// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

/// Writes a text file (creating parent folders) and returns its path.
std::filesystem::path write_text(const std::filesystem::path& path, const std::string& text);

/// The project's ../shared folder, or nullopt when it is absent (tests then GTEST_SKIP).
std::optional<std::filesystem::path> shared_dir();

/// The source tree's root (docs/, configs/ ...).
std::filesystem::path source_dir();

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

/// Runs the built `segkit` binary with a shell-quoted argument string; `environment` is prepended as
/// shell assignments ("ONEDNN_MAX_CPU_ISA=AVX2").
CommandResult run_segkit(const std::string& arguments, const std::string& environment = "");

/// `segkit synth --kind steel` (`count` images of `size`, "HxW") into `data_dir`, and the run config
/// `data_dir/run.yaml` the CLI tests train: the synthetic data, a small Unet-ResNet18 (depth 3,
/// decoder [16, 8, 4], plus `model_extra` keys such as "decoder_use_norm: false"), then `rest`
/// (folds, augment, loss, train ...). A failed synth is a test failure. Returns the config's path.
std::filesystem::path synth_steel_run(const std::filesystem::path& data_dir, int count, const std::string& size,
                                      const std::string& rest, const std::string& model_extra = "");

}  // namespace segkit::test

/// Skips the current test when ../shared is missing, with a message saying so.
#define SEGKIT_REQUIRE_SHARED(var)                                                   \
  auto var##_optional = ::segkit::test::shared_dir();                                \
  if (!var##_optional) GTEST_SKIP() << "../shared not found beside the checkout";    \
  const std::filesystem::path var = *var##_optional
