#pragma once
// Typed description of a config: sections of keys, each with a type, a default and a one-line doc.
// resolve() checks a loaded document against it, fills the defaults and reports every problem with
// the file and line that caused it; describe() lists the keys for docs/config.md.
//
//   Schema schema = Schema::section("root");
//   schema.add("train", Schema::section("Training loop")
//                           .add("batch_size", Schema::integer(8, "Images per step").range(1, {})));
//   json resolved = resolve(document.value, schema, document.locations);
//
// Rules: an unknown key is an error naming the closest valid key; a value of the wrong type names the
// key and the expected type (an integer is accepted where a number is expected, not the reverse);
// null is accepted only where the default is null. Sections marked open() accept extra keys that the
// room which consumes them validates (e.g. per-architecture model arguments).

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "segkit/config/yaml_loader.h"

namespace segkit::config {

enum class ValueType { kBool, kInt, kFloat, kString, kList, kSection, kAny };

class Schema {
 public:
  static Schema boolean(bool default_value, std::string doc);
  /// nullopt default: the key is optional and resolves to null.
  static Schema integer(std::optional<int64_t> default_value, std::string doc);
  static Schema number(std::optional<double> default_value, std::string doc);
  static Schema string(std::optional<std::string> default_value, std::string doc);
  static Schema list(Schema element, json default_value, std::string doc);
  static Schema any(json default_value, std::string doc);
  static Schema section(std::string doc);

  /// Allowed string values.
  Schema& choices(std::vector<std::string> values);
  /// Inclusive bounds for numbers; for lists, on the element count.
  Schema& range(std::optional<double> min, std::optional<double> max);
  /// Sections: add a key (keys keep their declaration order). Throws on a duplicate key.
  Schema& add(std::string key, Schema child);
  /// Sections: accept keys that are not declared, keeping their values as written.
  Schema& open();

  ValueType type() const { return type_; }
  const std::string& doc() const { return doc_; }
  const json& default_value() const { return default_; }
  bool nullable() const { return default_.is_null(); }
  bool is_open() const { return open_; }
  const std::vector<std::string>& allowed() const { return choices_; }
  const std::optional<double>& min() const { return min_; }
  const std::optional<double>& max() const { return max_; }
  const Schema* element() const { return element_.empty() ? nullptr : &element_.front(); }
  const std::vector<std::pair<std::string, Schema>>& children() const { return children_; }
  /// Child by key, or nullptr.
  const Schema* find(const std::string& key) const;
  /// "integer", "list of number", "one of: a, b", ...
  std::string type_name() const;

 private:
  Schema(ValueType type, json default_value, std::string doc);

  ValueType type_;
  json default_;
  std::string doc_;
  std::vector<std::string> choices_;
  std::optional<double> min_, max_;
  std::vector<Schema> element_;  // zero or one: a list's element schema
  std::vector<std::pair<std::string, Schema>> children_;
  bool open_ = false;
};

/// Validates `value` (a section) and returns it with defaults filled in, keys in schema order,
/// undeclared keys of open sections after them.
/// Throws ConfigError listing every problem, one per line, each prefixed by its location.
json resolve(const json& value, const Schema& schema, const LocationMap& locations);

struct SchemaRow {
  std::string key;  // dotted path
  std::string type;
  std::string default_text;
  std::string doc;
};

/// Every key of the schema, depth-first in declaration order (sections included).
std::vector<SchemaRow> describe(const Schema& schema);

/// describe() as a Markdown table, the reference part of docs/config.md.
std::string describe_markdown(const Schema& schema);

}  // namespace segkit::config
