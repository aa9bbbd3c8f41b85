#pragma once
// YAML -> JSON with source locations. Configs are written in YAML but handled as nlohmann::json, so
// every room reads one value type; the location of each key is kept beside the value so that a later
// error ("unknown key", "expected an integer") can name the file and line the user has to fix.
//
// Scalars are typed by YAML 1.2's core schema: null/~/empty, true/false, integers, floats (incl. 1e-3,
// .inf, .nan); a quoted scalar is always a string.
//
//   auto doc = segkit::config::load_yaml_file("run.yaml");
//   doc.value["train"]["batch_size"];              // 8
//   doc.locations.at("train.batch_size").str();    // "run.yaml:4:15"

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace segkit::config {

// Insertion-ordered, so configs print in the order they were written (or declared in the schema).
using json = nlohmann::ordered_json;

/// Where a value came from: a file position, or a command-line override (line 0, `origin` holds it).
struct Location {
  std::string origin;
  int line = 0;
  int column = 0;
  std::string str() const;
};

/// Dotted key path ("train.lr", "data.classes.2") -> where it was written.
using LocationMap = std::map<std::string, Location>;

/// "file.yaml:12:3: " for `path` or its nearest ancestor that has a location, "" when none has.
std::string location_prefix(const LocationMap& locations, std::string path);

struct YamlDocument {
  json value;
  LocationMap locations;
};

/// Parses YAML text; `origin` names it in errors. Throws ConfigError with origin:line:column.
YamlDocument parse_yaml(const std::string& text, const std::string& origin);

/// Reads and parses a file. Throws ConfigError when it is missing or malformed.
YamlDocument load_yaml_file(const std::filesystem::path& path);

/// Emits a value as block YAML (flow style for lists of scalars), keys in the json's order.
std::string to_yaml(const json& value);

}  // namespace segkit::config
