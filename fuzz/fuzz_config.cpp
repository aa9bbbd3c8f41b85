// libFuzzer target: YAML parsing and resolution against segkit's schema (types, ranges, unknown
// keys, alias expansion limits). Bad input must be a ConfigError.
#include <cstdint>
#include <string>

#include "segkit/config/config.h"
#include "segkit/core/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto document = segkit::config::parse_yaml(text, "fuzz.yaml");
    (void)segkit::config::resolve(document.value, segkit::config::segkit_schema(), document.locations);
  } catch (const segkit::ConfigError&) {
  }
  return 0;
}
