#include "segkit/core/progress.h"

#include <gtest/gtest.h>

#include <sstream>

namespace segkit {
namespace {

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(Progress, PlainModePrintsLinesWithCountsAndFinalDone) {
  std::ostringstream out;
  ProgressOptions options;
  options.out = &out;
  options.terminal = false;
  options.plain_interval_s = 0;  // a line per advance
  {
    Progress bar("epoch 1", 4, options);
    for (int i = 0; i < 4; ++i) {
      bar.set_postfix("loss 0.5");
      bar.advance();
    }
  }
  const std::string text = out.str();
  EXPECT_EQ(count_of(text, "\n"), 5u) << text;  // 4 advances + the final line
  EXPECT_NE(text.find("epoch 1: 50% 2/4"), std::string::npos) << text;
  EXPECT_NE(text.find("4/4"), std::string::npos);
  EXPECT_NE(text.find("done"), std::string::npos);
  EXPECT_NE(text.find("loss 0.5"), std::string::npos);
  EXPECT_EQ(text.find('\r'), std::string::npos);
}

TEST(Progress, PlainModeThrottlesByInterval) {
  std::ostringstream out;
  ProgressOptions options;
  options.out = &out;
  options.terminal = false;
  options.plain_interval_s = 3600;
  Progress bar("predict", 1000, options);
  for (int i = 0; i < 1000; ++i) bar.advance();
  bar.finish();
  bar.finish();  // idempotent
  EXPECT_EQ(count_of(out.str(), "\n"), 1u) << out.str();
}

TEST(Progress, TerminalModeRedrawsOneLine) {
  std::ostringstream out;
  ProgressOptions options;
  options.out = &out;
  options.terminal = true;
  options.bar_width = 10;
  Progress bar("train", 2, options);
  bar.advance(2);
  bar.finish();
  const std::string text = out.str();
  EXPECT_GE(count_of(text, "\r"), 2u);
  EXPECT_EQ(count_of(text, "\n"), 1u);
  EXPECT_NE(text.find("100% |##########|"), std::string::npos) << text;
}

TEST(Progress, UnknownTotalShowsCountOnly) {
  std::ostringstream out;
  ProgressOptions options;
  options.out = &out;
  options.terminal = false;
  Progress bar("scan", 0, options);
  bar.advance(7);
  bar.finish();
  EXPECT_NE(out.str().find("scan: 7 ["), std::string::npos) << out.str();
}

TEST(FormatDuration, MinutesAndHours) {
  EXPECT_EQ(format_duration(0), "00:00");
  EXPECT_EQ(format_duration(75), "01:15");
  EXPECT_EQ(format_duration(3723), "1:02:03");
}

}  // namespace
}  // namespace segkit
