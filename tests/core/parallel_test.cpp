#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "segkit/core/background_consumer.h"
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

TEST(BackgroundConsumer, ConsumesEveryItemInOrderWithBoundedWaiting) {
  std::vector<int> seen;
  std::atomic<size_t> most_waiting{0};
  std::atomic<int> pushed{0};
  {
    BackgroundConsumer<int> consumer(2, [&](int& item) {
      most_waiting = std::max<size_t>(most_waiting, static_cast<size_t>(pushed.load() - item));
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      seen.push_back(item);
    });
    for (int i = 0; i < 50; ++i) {
      consumer.push(i);
      pushed = i + 1;
    }
    consumer.finish();
    EXPECT_EQ(seen.size(), 50u);  // finish() returned only after the last item
  }
  for (int i = 0; i < 50; ++i) ASSERT_EQ(seen[static_cast<size_t>(i)], i);
  EXPECT_LE(most_waiting.load(), 4u);  // capacity 2 waiting + the one being consumed, + one racing push
}

TEST(BackgroundConsumer, TheConsumersErrorReachesTheProducer) {
  BackgroundConsumer<int> consumer(1, [](int& item) {
    if (item == 3) throw std::runtime_error("cannot write item 3");
  });
  try {
    for (int i = 0; i < 100; ++i) consumer.push(i);
    consumer.finish();
    FAIL() << "the error was lost";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "cannot write item 3");
  }
}

}  // namespace
}  // namespace segkit
