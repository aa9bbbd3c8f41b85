#include "segkit/core/atomic_file.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <vector>

#include "segkit/core/error.h"

namespace segkit {
namespace {

std::filesystem::path make_temp_path(const std::filesystem::path& target) {
  // pid + a process-wide counter: unique across threads and concurrent processes writing one folder.
  static std::atomic<unsigned long> counter{0};
  std::ostringstream name;
  name << '.' << target.stem().string() << '.' << ::getpid() << '-' << counter++ << ".tmp"
       << target.extension().string();
  return target.parent_path() / name.str();
}

// The pid in a temp name made by make_temp_path, or -1 when `name` is not one.
long temp_file_pid(const std::string& name) {
  if (name.size() < 2 || name[0] != '.') return -1;
  const auto tmp = name.rfind(".tmp");
  const auto dash = name.rfind('-', tmp);
  if (tmp == std::string::npos || dash == std::string::npos) return -1;
  const auto dot = name.rfind('.', dash);
  if (dot == std::string::npos || dot == 0) return -1;
  const std::string pid = name.substr(dot + 1, dash - dot - 1);
  const std::string counter = name.substr(dash + 1, tmp - dash - 1);
  const auto digits = [](const std::string& text) {
    return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
  };
  return digits(pid) && digits(counter) ? std::stol(pid) : -1;
}

std::string os_error(const std::string& what, const std::filesystem::path& path) {
  return what + " '" + path.string() + "': " + std::strerror(errno);
}

// rename() is atomic, but without fsync a power loss can leave a renamed yet empty file.
void fsync_path(const std::filesystem::path& path, int flags) {
  int fd = ::open(path.c_str(), flags);
  if (fd < 0) throw IoError(os_error("cannot open for fsync", path));
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0 && (flags & O_DIRECTORY) == 0) throw IoError(os_error("fsync failed for", path));
}

void rename_into_place(const std::filesystem::path& temp, const std::filesystem::path& target) {
  fsync_path(temp, O_RDONLY);
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    throw IoError(os_error("cannot rename '" + temp.string() + "' to", target));
  }
  auto dir = target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path();
  fsync_path(dir, O_RDONLY | O_DIRECTORY);
}

}  // namespace

AtomicFile::AtomicFile(std::filesystem::path target)
    : target_(std::move(target)), temp_(make_temp_path(target_)) {}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  if (stream_.is_open()) stream_.close();
  std::error_code ignored;
  std::filesystem::remove(temp_, ignored);
}

std::ofstream& AtomicFile::stream() {
  if (!stream_.is_open()) {
    stream_.open(temp_, std::ios::binary | std::ios::trunc);
    if (!stream_) throw IoError(os_error("cannot create", temp_));
  }
  return stream_;
}

void AtomicFile::commit() {
  if (committed_) return;
  if (stream_.is_open()) {
    stream_.flush();
    bool ok = static_cast<bool>(stream_);
    stream_.close();
    if (!ok) throw IoError(os_error("write failed for", temp_));
  } else if (!std::filesystem::exists(temp_)) {
    stream();  // nothing was written: commit an empty file, as the caller asked for one
    stream_.close();
  }
  rename_into_place(temp_, target_);
  committed_ = true;
}

void write_file_atomic(const std::filesystem::path& path, std::string_view bytes) {
  AtomicFile file(path);
  file.stream().write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  file.commit();
}

void write_atomic_with(const std::filesystem::path& path,
                       const std::function<void(const std::filesystem::path& temp)>& write) {
  AtomicFile file(path);
  write(file.temp_path());
  if (!std::filesystem::exists(file.temp_path())) {
    throw IoError("writer produced no file for '" + path.string() + "'");
  }
  file.commit();
}

size_t remove_abandoned_temp_files(const std::filesystem::path& dir) {
  size_t removed = 0;
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) return 0;
  std::vector<std::filesystem::path> abandoned;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir, error)) {
    if (!entry.is_regular_file()) continue;
    const long pid = temp_file_pid(entry.path().filename().string());
    // A live writer (another process, or this one) may still rename its temp file.
    if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) abandoned.push_back(entry.path());
  }
  for (const auto& path : abandoned) removed += std::filesystem::remove(path, error) ? 1 : 0;
  return removed;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(os_error("cannot open", path));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) throw DataError(os_error("cannot read", path));
  return bytes.str();
}

}  // namespace segkit
