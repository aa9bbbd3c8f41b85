#pragma once
// The one place segkit writes output files. Every writer puts its bytes into a temporary file beside
// the target and renames it into place, so a reader (or a crash) never sees a half-written output:
// the target is either absent, the old version, or the complete new one.
//
//   segkit::AtomicFile out("run/log.csv");        // writes ".log.csv.<pid>-<n>.tmp.csv"
//   out.stream() << "epoch,loss\n";
//   out.commit();                                   // fsync + rename; without it, the temp is removed
//
// Writers that need a file name (cv::imwrite picks the format from the extension) use temp_path(),
// which keeps the target's extension. Throws IoError naming the file when the OS refuses.

#include <filesystem>
#include <fstream>
#include <functional>
#include <string_view>

namespace segkit {

class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path target);
  ~AtomicFile();  // removes the temp file unless commit() succeeded
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  /// Binary stream on the temp file (opened on first use).
  std::ofstream& stream();
  /// Path of the temp file, for writers that open the file themselves. Same directory and extension.
  const std::filesystem::path& temp_path() const { return temp_; }
  const std::filesystem::path& target() const { return target_; }

  /// Flushes, fsyncs and renames the temp file over the target. Throws IoError.
  void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  std::ofstream stream_;
  bool committed_ = false;
};

/// Writes `bytes` to `path` atomically.
void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

/// Calls `write(temp_path)` and then renames the temp file over `path`; on exception the temp is
/// removed and `path` is untouched.
void write_atomic_with(const std::filesystem::path& path,
                       const std::function<void(const std::filesystem::path& temp)>& write);

/// Removes, under `dir` (recursively), the temp files of atomic writes whose process died before the
/// rename (".<stem>.<pid>-<n>.tmp<ext>" of a pid no longer running), so a rerun over a killed run's
/// output starts clean. Returns how many were removed.
size_t remove_abandoned_temp_files(const std::filesystem::path& dir);

/// Reads a whole file; throws DataError naming the file when it is missing or unreadable.
std::string read_file(const std::filesystem::path& path);

}  // namespace segkit
