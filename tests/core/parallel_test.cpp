#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include "segkit/core/parallel.h"

namespace segkit {
namespace {

TEST(Parallel, VisitsEveryIndexOnce) {
  std::vector<std::atomic<int>> visits(100);
  parallel_for_index(visits.size(), 3, [&](size_t i) { ++visits[i]; });
  for (const auto& count : visits) EXPECT_EQ(count.load(), 1);
  parallel_for_index(0, 0, [](size_t) { FAIL() << "called for an empty range"; });
}

TEST(Parallel, RethrowsTheLowestFailedIndex) {
  for (int threads : {1, 2, 4}) {
    try {
      parallel_for_index(50, threads, [](size_t i) {
        if (i == 7 || i == 9) throw std::runtime_error("item " + std::to_string(i));
      });
      FAIL() << "no error with " << threads << " threads";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "item 7") << threads << " threads";
    }
  }
}

}  // namespace
}  // namespace segkit
