#include "segkit/core/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include "segkit/core/error.h"
#include "segkit/core/strings.h"

namespace segkit {

const std::vector<std::string>& log_level_names() {
  static const std::vector<std::string> names = {"trace", "debug", "info", "warn", "error", "off"};
  return names;
}

spdlog::logger& logger() {
  static std::shared_ptr<spdlog::logger> instance = [] {
    auto created = spdlog::stderr_color_mt("segkit");
    created->set_pattern("[%H:%M:%S.%e] [%^%l%$] %v");
    created->set_level(spdlog::level::info);
    return created;
  }();
  return *instance;
}

void set_log_level(std::string_view level) {
  const auto& names = log_level_names();
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == level) {
      static const spdlog::level::level_enum levels[] = {
          spdlog::level::trace, spdlog::level::debug, spdlog::level::info,
          spdlog::level::warn,  spdlog::level::err,   spdlog::level::off};
      logger().set_level(levels[i]);
      return;
    }
  }
  throw ConfigError("unknown log level '" + std::string(level) + "'" +
                    did_you_mean(level, names) + "; valid levels: " + join(names, ", "));
}

}  // namespace segkit
