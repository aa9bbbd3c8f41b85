#include "segkit/core/atomic_file.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "segkit/core/error.h"
#include "tests/support/test_support.h"

namespace segkit {
namespace {

size_t count_files(const std::filesystem::path& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

TEST(AtomicFile, CommitWritesTargetAndRemovesTemp) {
  test::TempDir dir;
  AtomicFile file(dir / "out.csv");
  file.stream() << "a,b\n1,2\n";
  EXPECT_FALSE(std::filesystem::exists(dir / "out.csv"));
  EXPECT_EQ(file.temp_path().extension(), ".csv");
  EXPECT_EQ(file.temp_path().parent_path(), dir.path());
  file.commit();
  EXPECT_EQ(read_file(dir / "out.csv"), "a,b\n1,2\n");
  EXPECT_EQ(count_files(dir.path()), 1u);
}

TEST(AtomicFile, WithoutCommitLeavesOldContentAndNoTemp) {
  test::TempDir dir;
  write_file_atomic(dir / "model.bin", "old");
  {
    AtomicFile file(dir / "model.bin");
    file.stream() << "new but unfinished";
  }
  EXPECT_EQ(read_file(dir / "model.bin"), "old");
  EXPECT_EQ(count_files(dir.path()), 1u);
}

TEST(AtomicFile, ExceptionInWriterLeavesNothing) {
  test::TempDir dir;
  EXPECT_THROW(write_atomic_with(dir / "mask.png",
                                 [](const std::filesystem::path& temp) {
                                   test::write_text(temp, "partial");
                                   throw DataError("encoder failed");
                                 }),
               DataError);
  EXPECT_FALSE(std::filesystem::exists(dir / "mask.png"));
  EXPECT_EQ(count_files(dir.path()), 0u);
}

TEST(AtomicFile, WriterThatProducesNoFileIsAnError) {
  test::TempDir dir;
  EXPECT_THROW(write_atomic_with(dir / "x.png", [](const std::filesystem::path&) {}), IoError);
  EXPECT_FALSE(std::filesystem::exists(dir / "x.png"));
}

TEST(AtomicFile, UnwritableDirectoryNamesTheFile) {
  try {
    write_file_atomic("/nonexistent-dir/segkit/out.txt", "x");
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/segkit"), std::string::npos) << e.what();
  }
}

// A process killed in the middle of a write must leave either no target or the previous one whole.
TEST(AtomicFile, SigkillDuringWriteNeverExposesPartialFile) {
  test::TempDir dir;
  const auto target = dir / "checkpoint.bin";
  for (const bool had_previous : {false, true}) {
    if (had_previous) write_file_atomic(target, "previous complete content");
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      AtomicFile file(target);
      const std::string chunk(1 << 16, 'x');
      for (;;) file.stream().write(chunk.data(), chunk.size());  // never commits: killed first
    }
    // Wait until the child has written something to its temp file, then kill it.
    bool temp_seen = false;
    for (int i = 0; i < 2000 && !temp_seen; ++i) {
      for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
        if (entry.path() != target && entry.file_size() > 0) temp_seen = true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_TRUE(temp_seen);
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status));
    if (had_previous) {
      EXPECT_EQ(read_file(target), "previous complete content");
    } else {
      EXPECT_FALSE(std::filesystem::exists(target));
    }
  }
}

TEST(ReadFile, MissingFileIsDataErrorWithPath) {
  try {
    read_file("/no/such/file.yaml");
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("/no/such/file.yaml"), std::string::npos);
  }
}

}  // namespace
}  // namespace segkit
