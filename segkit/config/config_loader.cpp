#include "segkit/config/config_loader.h"

#include "segkit/core/strings.h"

namespace segkit::config {
namespace {

constexpr const char* kIncludeKey = "include";

bool has_prefix(const std::string& path, const std::string& prefix) {
  return path == prefix || (path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
                            path[prefix.size()] == '.');
}

// Replaces the locations of `prefix` and everything under it by those `source` has there.
void replace_locations(LocationMap& target, const LocationMap& source, const std::string& prefix) {
  for (auto it = target.begin(); it != target.end();) {
    it = has_prefix(it->first, prefix) ? target.erase(it) : std::next(it);
  }
  for (const auto& [path, location] : source) {
    if (has_prefix(path, prefix)) target[path] = location;
  }
}

void merge_into(YamlDocument& base, const YamlDocument& top, json& base_value, const json& top_value,
                const std::string& path) {
  for (const auto& [key, value] : top_value.items()) {
    const std::string child = path.empty() ? key : path + "." + key;
    auto existing = base_value.find(key);
    if (existing != base_value.end() && existing->is_object() && value.is_object()) {
      merge_into(base, top, *existing, value, child);
      if (auto location = top.locations.find(child); location != top.locations.end()) {
        base.locations[child] = location->second;
      }
    } else {
      base_value[key] = value;
      replace_locations(base.locations, top.locations, child);
    }
  }
}

std::vector<std::string> include_list(const YamlDocument& document) {
  const json& value = document.value.at(kIncludeKey);
  const std::string where = document.locations.at(kIncludeKey).str();
  std::vector<std::string> files;
  if (value.is_string()) {
    files.push_back(value.get<std::string>());
  } else if (value.is_array()) {
    for (const auto& item : value) {
      if (!item.is_string()) throw ConfigError(where + ": 'include' items must be file paths");
      files.push_back(item.get<std::string>());
    }
  } else if (!value.is_null()) {
    throw ConfigError(where + ": 'include' must be a file path or a list of file paths");
  }
  return files;
}

YamlDocument load_with_includes(const std::filesystem::path& file,
                                std::vector<std::filesystem::path>& chain) {
  const auto canonical = std::filesystem::weakly_canonical(file);
  for (const auto& open : chain) {
    if (open == canonical) {
      std::vector<std::string> names;
      for (const auto& link : chain) names.push_back(link.string());
      names.push_back(canonical.string());
      throw ConfigError("include cycle: " + join(names, " -> "));
    }
  }
  YamlDocument own = load_yaml_file(file);
  if (own.value.is_null()) own.value = json::object();
  if (!own.value.is_object()) {
    throw ConfigError(file.string() + ": a config file must be a mapping of keys at the top level");
  }
  if (!own.value.contains(kIncludeKey)) return own;

  chain.push_back(canonical);
  YamlDocument merged{json::object(), {}};
  for (const auto& name : include_list(own)) {
    std::filesystem::path included = file.parent_path() / name;
    if (!std::filesystem::exists(included)) {
      throw ConfigError(own.locations.at(kIncludeKey).str() + ": included file '" + included.string() +
                        "' does not exist");
    }
    YamlDocument part = load_with_includes(included, chain);
    merge_into(merged, part, merged.value, part.value, "");
  }
  chain.pop_back();
  own.value.erase(kIncludeKey);
  merge_into(merged, own, merged.value, own.value, "");
  return merged;
}

}  // namespace

Config::Config(json values, LocationMap locations)
    : values_(std::move(values)), locations_(std::move(locations)) {}

bool Config::contains(std::string_view key) const {
  const json* node = &values_;
  for (const auto& part : split(key, '.')) {
    if (!node->is_object() || !node->contains(part)) return false;
    node = &(*node)[part];
  }
  return true;
}

const json& Config::at(std::string_view key) const {
  const json* node = &values_;
  for (const auto& part : split(key, '.')) {
    if (!node->is_object() || !node->contains(part)) {
      throw ConfigError("config has no key '" + std::string(key) + "'");
    }
    node = &(*node)[part];
  }
  return *node;
}

std::string Config::where(std::string_view key) const { return location_prefix(locations_, std::string(key)); }

std::string Config::to_yaml() const { return config::to_yaml(values_); }

void apply_override(YamlDocument& document, const std::string& override_text) {
  const auto equals = override_text.find('=');
  const std::string origin = "command-line override '" + override_text + "'";
  if (equals == std::string::npos || equals == 0) {
    throw ConfigError(origin + ": expected key=value, e.g. train.batch_size=8");
  }
  const std::string key(trim(std::string_view(override_text).substr(0, equals)));
  const auto parts = split(key, '.');
  for (const auto& part : parts) {
    if (part.empty()) throw ConfigError(origin + ": empty name in the dotted key '" + key + "'");
  }
  if (parts.front() == kIncludeKey) throw ConfigError(origin + ": 'include' can only be set in a file");

  YamlDocument parsed = parse_yaml(override_text.substr(equals + 1), origin);
  json* node = &document.value;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    json& child = (*node)[parts[i]];
    if (!child.is_object()) child = json::object();  // an override can create or replace a section
    node = &child;
  }
  (*node)[parts.back()] = parsed.value;
  LocationMap rooted;
  rooted[key] = Location{origin, 0, 0};
  for (const auto& [sub, location] : parsed.locations) rooted[key + "." + sub] = Location{origin, 0, 0};
  replace_locations(document.locations, rooted, key);
}

YamlDocument compose_config(const std::filesystem::path& file,
                            const std::vector<std::string>& overrides) {
  std::vector<std::filesystem::path> chain;
  YamlDocument document = load_with_includes(file, chain);
  for (const auto& text : overrides) apply_override(document, text);
  return document;
}

Config load_config(const std::filesystem::path& file, const std::vector<std::string>& overrides,
                   const Schema& schema) {
  YamlDocument document = compose_config(file, overrides);
  json resolved = resolve(document.value, schema, document.locations);
  return Config(std::move(resolved), std::move(document.locations));
}

}  // namespace segkit::config
