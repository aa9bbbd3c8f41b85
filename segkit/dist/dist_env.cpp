#include "segkit/dist/dist_env.h"

#include <fmt/format.h>

#include <cstdlib>
#include <string>

#include "segkit/core/error.h"

namespace segkit::dist {
namespace {

std::optional<int> integer_variable(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return std::nullopt;
  try {
    size_t used = 0;
    const int value = std::stoi(text, &used);
    if (used == std::string(text).size()) return value;
  } catch (const std::exception&) {
  }
  throw ConfigError(fmt::format("environment variable {}='{}' is not an integer", name, text));
}

}  // namespace

std::optional<DistEnv> dist_env_from_environment() {
  const auto world_size = integer_variable("WORLD_SIZE");
  if (!world_size || *world_size == 1) return std::nullopt;
  DistEnv env;
  env.world_size = *world_size;
  if (env.world_size < 1) throw ConfigError(fmt::format("WORLD_SIZE must be >= 1, got {}", env.world_size));
  const auto rank = integer_variable("RANK");
  if (!rank) throw ConfigError("WORLD_SIZE is set but RANK is not (torchrun sets both)");
  env.rank = *rank;
  if (env.rank < 0 || env.rank >= env.world_size) {
    throw ConfigError(fmt::format("RANK {} is outside 0..{} (WORLD_SIZE {})", env.rank, env.world_size - 1,
                                  env.world_size));
  }
  env.local_rank = integer_variable("LOCAL_RANK").value_or(env.rank);
  if (const char* addr = std::getenv("MASTER_ADDR"); addr != nullptr && *addr != '\0') env.master_addr = addr;
  env.master_port = integer_variable("MASTER_PORT").value_or(env.master_port);
  if (env.master_port <= 0 || env.master_port > 65535) {
    throw ConfigError(fmt::format("MASTER_PORT {} is not a TCP port", env.master_port));
  }
  env.timeout_seconds = integer_variable("SEGKIT_DIST_TIMEOUT").value_or(env.timeout_seconds);
  if (env.timeout_seconds < 1) throw ConfigError("SEGKIT_DIST_TIMEOUT must be >= 1 second");
  return env;
}

}  // namespace segkit::dist
