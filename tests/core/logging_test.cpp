#include "segkit/core/logging.h"

#include <gtest/gtest.h>

#include "segkit/core/error.h"

namespace segkit {
namespace {

TEST(Logging, SetsKnownLevels) {
  set_log_level("debug");
  EXPECT_EQ(logger().level(), spdlog::level::debug);
  set_log_level("warn");
  EXPECT_EQ(logger().level(), spdlog::level::warn);
  set_log_level("info");
}

TEST(Logging, UnknownLevelSuggestsClosest) {
  try {
    set_log_level("debgu");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'debug'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace segkit
