#pragma once
// A resolved segkit configuration: YAML files with includes, command-line overrides, checked against
// a schema, defaults filled in. Every subcommand loads its config through load_config().
//
// Composition, in order (later wins; sections merge key by key, lists and scalars are replaced):
//   1. the files named by the top-level `include:` key (a path or a list of paths, relative to the
//      including file; includes nest; a cycle is an error naming the chain),
//   2. the file itself,
//   3. overrides `dotted.key=value`, the value parsed as YAML (`train.lr=1e-3`, `data.classes=[a,b]`,
//      `model.encoder_weights=null`).
// Then resolve() against the schema: unknown keys, wrong types and bad values are errors with the
// file:line (or the override) that caused them.
//
//   auto cfg = segkit::config::load_config("configs/clouds.yaml", {"train.batch_size=8"});
//   int batch = cfg.get<int>("train.batch_size");
//   std::cout << cfg.to_yaml();

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "segkit/config/schema.h"
#include "segkit/config/yaml_loader.h"
#include "segkit/core/error.h"

namespace segkit::config {

class Config {
 public:
  Config() = default;
  Config(json values, LocationMap locations);

  /// The resolved tree (defaults filled in).
  const json& values() const { return values_; }
  const LocationMap& locations() const { return locations_; }

  /// The value at a dotted key. Throws ConfigError when it is absent.
  const json& at(std::string_view key) const;
  bool contains(std::string_view key) const;

  /// The value converted to T; a failed conversion is a ConfigError naming the key and its location.
  template <typename T>
  T get(std::string_view key) const {
    const json& value = at(key);
    try {
      return value.get<T>();
    } catch (const nlohmann::json::exception&) {
      throw ConfigError(where(key) + "'" + std::string(key) + "' has an unexpected type (" +
                        std::string(value.type_name()) + ")");
    }
  }

  /// "file.yaml:12:3: " for the key or its nearest written ancestor, "" for pure defaults.
  std::string where(std::string_view key) const;

  std::string to_yaml() const;

 private:
  json values_ = json::object();
  LocationMap locations_;
};

/// Loads `file` with its includes, applies `overrides`, resolves against `schema`. Throws ConfigError.
Config load_config(const std::filesystem::path& file, const std::vector<std::string>& overrides,
                   const Schema& schema);

/// The unresolved composition (includes + overrides), for tools that validate later.
YamlDocument compose_config(const std::filesystem::path& file,
                            const std::vector<std::string>& overrides);

/// Applies one `dotted.key=value` override to a document. Throws ConfigError on a malformed override.
void apply_override(YamlDocument& document, const std::string& override_text);

}  // namespace segkit::config
