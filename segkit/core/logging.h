#pragma once
// Logging for the library and the CLI, over spdlog's compiled library. The library logs at debug and
// info only; warnings are for recoverable data problems (a skipped sample). Everything goes to stderr
// so stdout stays clean for a command's real output (`segkit config show` prints YAML there).
//
//   segkit::set_log_level("debug");                 // throws ConfigError on an unknown level
//   segkit::log::info("loaded {} images", n);

#include <spdlog/spdlog.h>

#include <string>
#include <string_view>
#include <vector>

namespace segkit {

/// Valid level names, in increasing severity: trace, debug, info, warn, error, off.
const std::vector<std::string>& log_level_names();

/// Sets the level of segkit's logger. Throws ConfigError listing the valid names.
void set_log_level(std::string_view level);

/// segkit's logger (stderr, "[time] [level] message").
spdlog::logger& logger();

namespace log {
template <typename... Args>
void debug(spdlog::format_string_t<Args...> fmt, Args&&... args) {
  logger().debug(fmt, std::forward<Args>(args)...);
}
template <typename... Args>
void info(spdlog::format_string_t<Args...> fmt, Args&&... args) {
  logger().info(fmt, std::forward<Args>(args)...);
}
template <typename... Args>
void warn(spdlog::format_string_t<Args...> fmt, Args&&... args) {
  logger().warn(fmt, std::forward<Args>(args)...);
}
template <typename... Args>
void error(spdlog::format_string_t<Args...> fmt, Args&&... args) {
  logger().error(fmt, std::forward<Args>(args)...);
}
}  // namespace log

}  // namespace segkit
