#include "segkit/config/schema.h"

#include <cmath>
#include <sstream>

#include "segkit/core/error.h"
#include "segkit/core/strings.h"

namespace segkit::config {
namespace {

std::string join_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string value_text(const json& value) {
  if (value.is_number_float() && !std::isfinite(value.get<double>())) {  // JSON would print null
    const double number = value.get<double>();
    return std::isnan(number) ? "nan" : number > 0 ? "inf" : "-inf";
  }
  std::string text = value.dump();
  return text.size() > 60 ? text.substr(0, 57) + "..." : text;
}

std::string json_type_name(const json& value) {
  switch (value.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "integer";
    case json::value_t::number_float: return "number";
    case json::value_t::string: return "string";
    case json::value_t::array: return "list";
    case json::value_t::object: return "section";
    default: return "value";
  }
}

class Resolver {
 public:
  explicit Resolver(const LocationMap& locations) : locations_(locations) {}

  json resolve(const json& value, const Schema& schema, const std::string& path) {
    if (value.is_null()) {
      if (schema.type() == ValueType::kSection) return resolve(json::object(), schema, path);
      if (schema.nullable() || schema.type() == ValueType::kAny) return nullptr;
      report(path, "must not be null (expected " + schema.type_name() + ")");
      return nullptr;
    }
    switch (schema.type()) {
      case ValueType::kSection: return resolve_section(value, schema, path);
      case ValueType::kList: return resolve_list(value, schema, path);
      case ValueType::kAny: return value;
      case ValueType::kBool:
        if (!value.is_boolean()) return mismatch(path, value, schema);
        return value;
      case ValueType::kInt:
        if (!value.is_number_integer()) return mismatch(path, value, schema);
        check_range(path, static_cast<double>(value.get<int64_t>()), schema);
        return value;
      case ValueType::kFloat:
        if (!value.is_number()) return mismatch(path, value, schema);
        check_range(path, value.get<double>(), schema);
        return value.get<double>();
      case ValueType::kString:
        if (!value.is_string()) return mismatch(path, value, schema);
        check_choice(path, value.get<std::string>(), schema);
        return value;
    }
    return value;
  }

  void throw_if_failed() const {
    if (problems_.empty()) return;
    std::string message = problems_.size() == 1 ? "invalid config: " : "invalid config:\n  ";
    message += join(problems_, "\n  ");
    throw ConfigError(message);
  }

 private:
  json resolve_section(const json& value, const Schema& schema, const std::string& path) {
    if (!value.is_object()) return mismatch(path, value, schema);
    json out = json::object();
    for (const auto& [key, child] : schema.children()) {
      auto found = value.find(key);
      out[key] = found != value.end() ? resolve(*found, child, join_path(path, key))
                                      : resolve(child.default_value(), child, join_path(path, key));
    }
    for (const auto& [key, item] : value.items()) {
      if (schema.find(key) != nullptr) continue;
      if (schema.is_open()) {
        out[key] = item;
        continue;
      }
      std::vector<std::string> valid;
      for (const auto& child : schema.children()) valid.push_back(child.first);
      std::string hint = closest_match(key, valid);
      if (!hint.empty()) {
        hint = "; did you mean '" + join_path(path, hint) + "'?";
      } else {
        hint = valid.empty() ? "; this section takes no keys" : "; valid keys here: " + join(valid, ", ");
      }
      report_at(join_path(path, key), "unknown key '" + join_path(path, key) + "'" + hint);
    }
    return out;
  }

  json resolve_list(const json& value, const Schema& schema, const std::string& path) {
    if (!value.is_array()) return mismatch(path, value, schema);
    const auto count = static_cast<double>(value.size());
    if ((schema.min() && count < *schema.min()) || (schema.max() && count > *schema.max())) {
      report(path, "has " + std::to_string(value.size()) + " items, expected " + bounds_text(schema));
    }
    json out = json::array();
    for (size_t i = 0; i < value.size(); ++i) {
      out.push_back(resolve(value[i], *schema.element(), join_path(path, std::to_string(i))));
    }
    return out;
  }

  json mismatch(const std::string& path, const json& value, const Schema& schema) {
    report(path, "expected " + schema.type_name() + ", got " + json_type_name(value) + " " +
                     value_text(value));
    return value;
  }

  static std::string bounds_text(const Schema& schema) {
    std::ostringstream text;
    if (schema.min() && schema.max()) {
      text << "between " << *schema.min() << " and " << *schema.max();
    } else if (schema.min()) {
      text << ">= " << *schema.min();
    } else {
      text << "<= " << *schema.max();
    }
    return text.str();
  }

  void check_range(const std::string& path, double number, const Schema& schema) {
    if (std::isnan(number) || (schema.min() && number < *schema.min()) ||
        (schema.max() && number > *schema.max())) {
      std::ostringstream got;
      got << number;
      report(path, "is " + got.str() + ", must be " + bounds_text(schema));
    }
  }

  void check_choice(const std::string& path, const std::string& text, const Schema& schema) {
    const auto& allowed = schema.allowed();
    if (allowed.empty()) return;
    for (const auto& choice : allowed) {
      if (choice == text) return;
    }
    report(path, "is '" + text + "'" + did_you_mean(text, allowed) + "; valid values: " + join(allowed, ", "));
  }

  void report(const std::string& path, const std::string& problem) {
    report_at(path, "'" + path + "' " + problem);
  }

  void report_at(const std::string& path, const std::string& message) {
    problems_.push_back(location_prefix(locations_, path) + message);
  }

  const LocationMap& locations_;
  std::vector<std::string> problems_;
};

std::string default_text(const Schema& schema) {
  if (schema.type() == ValueType::kSection) return "";
  const json& value = schema.default_value();
  if (value.is_null()) return "null";
  if (value.is_string()) return value.get<std::string>().empty() ? "\"\"" : value.get<std::string>();
  return value.dump();
}

void describe_into(const Schema& schema, const std::string& path, std::vector<SchemaRow>& rows) {
  for (const auto& [key, child] : schema.children()) {
    const std::string child_path = join_path(path, key);
    rows.push_back({child_path, child.type_name(), default_text(child), child.doc()});
    if (child.type() == ValueType::kSection) describe_into(child, child_path, rows);
  }
}

}  // namespace

Schema::Schema(ValueType type, json default_value, std::string doc)
    : type_(type), default_(std::move(default_value)), doc_(std::move(doc)) {}

Schema Schema::boolean(bool default_value, std::string doc) {
  return Schema(ValueType::kBool, default_value, std::move(doc));
}
Schema Schema::integer(std::optional<int64_t> default_value, std::string doc) {
  return Schema(ValueType::kInt, default_value ? json(*default_value) : json(), std::move(doc));
}
Schema Schema::number(std::optional<double> default_value, std::string doc) {
  return Schema(ValueType::kFloat, default_value ? json(*default_value) : json(), std::move(doc));
}
Schema Schema::string(std::optional<std::string> default_value, std::string doc) {
  return Schema(ValueType::kString, default_value ? json(*default_value) : json(), std::move(doc));
}
Schema Schema::list(Schema element, json default_value, std::string doc) {
  Schema schema(ValueType::kList, std::move(default_value), std::move(doc));
  schema.element_.push_back(std::move(element));
  return schema;
}
Schema Schema::any(json default_value, std::string doc) {
  return Schema(ValueType::kAny, std::move(default_value), std::move(doc));
}
Schema Schema::section(std::string doc) {
  return Schema(ValueType::kSection, json::object(), std::move(doc));
}

Schema& Schema::choices(std::vector<std::string> values) {
  choices_ = std::move(values);
  return *this;
}
Schema& Schema::range(std::optional<double> min, std::optional<double> max) {
  min_ = min;
  max_ = max;
  return *this;
}
Schema& Schema::add(std::string key, Schema child) {
  if (type_ != ValueType::kSection) throw Error("schema: add('" + key + "') on a non-section");
  if (find(key) != nullptr) throw Error("schema: key '" + key + "' declared twice");
  children_.emplace_back(std::move(key), std::move(child));
  return *this;
}
Schema& Schema::open() {
  open_ = true;
  return *this;
}

const Schema* Schema::find(const std::string& key) const {
  for (const auto& [name, child] : children_) {
    if (name == key) return &child;
  }
  return nullptr;
}

std::string Schema::type_name() const {
  switch (type_) {
    case ValueType::kBool: return "boolean";
    case ValueType::kInt: return "integer";
    case ValueType::kFloat: return "number";
    case ValueType::kString:
      return choices_.empty() ? "string" : "one of: " + join(choices_, ", ");
    case ValueType::kList: return "list of " + element()->type_name();
    case ValueType::kSection: return "section";
    case ValueType::kAny: return "any";
  }
  return "value";
}

json resolve(const json& value, const Schema& schema, const LocationMap& locations) {
  Resolver resolver(locations);
  json out = resolver.resolve(value, schema, "");
  resolver.throw_if_failed();
  return out;
}

std::vector<SchemaRow> describe(const Schema& schema) {
  std::vector<SchemaRow> rows;
  describe_into(schema, "", rows);
  return rows;
}

std::string describe_markdown(const Schema& schema) {
  std::string out = "| key | type | default | meaning |\n|---|---|---|---|\n";
  for (const auto& row : describe(schema)) {
    out += "| `" + row.key + "` | " + row.type + " | " +
           (row.default_text.empty() ? "" : "`" + row.default_text + "`") + " | " + row.doc + " |\n";
  }
  return out;
}

}  // namespace segkit::config
