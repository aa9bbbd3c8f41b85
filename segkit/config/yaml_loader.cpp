#include "segkit/config/yaml_loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <regex>

#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/core/strings.h"

namespace segkit::config {
namespace {

Location location_of(const YAML::Node& node, const std::string& origin) {
  const YAML::Mark mark = node.Mark();
  return Location{origin, mark.line + 1, mark.column + 1};
}

// YAML 1.2 core schema resolution of a plain (unquoted) scalar.
json resolve_plain_scalar(const std::string& text) {
  static const std::regex kInteger(R"([-+]?(0|[1-9][0-9]*))");
  static const std::regex kFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return nullptr;
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  if (std::regex_match(text, kInteger)) {
    try {
      return std::stoll(text);
    } catch (const std::out_of_range&) {
      return std::strtod(text.c_str(), nullptr);
    }
  }
  // strtod, not stod: a literal beyond double's range becomes inf (or 0), as Python's float() does,
  // instead of an exception that no config message would explain (found by fuzz_config).
  if (std::regex_match(text, kFloat)) return std::strtod(text.c_str(), nullptr);
  if (text == ".inf" || text == ".Inf" || text == "+.inf") return std::numeric_limits<double>::infinity();
  if (text == "-.inf" || text == "-.Inf") return -std::numeric_limits<double>::infinity();
  if (text == ".nan" || text == ".NaN") return std::numeric_limits<double>::quiet_NaN();
  return text;
}

// Configs hold hundreds of values; aliases of aliases ("billion laughs") can expand a small file to
// billions, so conversion stops at this many.
constexpr size_t kMaxYamlValues = 100000;
// A self-referencing alias (`&a [*a]`) nests without end; real configs nest a few levels.
constexpr size_t kMaxYamlDepth = 64;

// A map entry is located at its key (where an "unknown key" must point), a list item at the item.
json convert(const YAML::Node& node, const std::string& path, const std::string& origin,
             LocationMap& locations, size_t& budget, size_t depth = 0) {
  if (depth > kMaxYamlDepth) {
    throw ConfigError(location_of(node, origin).str() + ": nested deeper than " + std::to_string(kMaxYamlDepth) +
                      " levels (a recursive alias?)");
  }
  if (budget == 0) {
    throw ConfigError(origin + ": more than " + std::to_string(kMaxYamlValues) +
                      " values (aliases expanding without bound?); a config holds far fewer");
  }
  --budget;
  const auto child_path = [&](const std::string& key) { return path.empty() ? key : path + "." + key; };
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      // Escapes ("\x80") can make bytes that are not UTF-8; every later message prints values as JSON.
      if (first_invalid_utf8(node.Scalar()) != std::string::npos) {
        throw ConfigError(location_of(node, origin).str() + ": value is not valid UTF-8");
      }
      // yaml-cpp tags plain scalars "?" and quoted ones "!".
      return node.Tag() == "!" ? json(node.Scalar()) : resolve_plain_scalar(node.Scalar());
    case YAML::NodeType::Sequence: {
      json list = json::array();
      for (size_t i = 0; i < node.size(); ++i) {
        locations[child_path(std::to_string(i))] = location_of(node[i], origin);
        list.push_back(convert(node[i], child_path(std::to_string(i)), origin, locations, budget, depth + 1));
      }
      return list;
    }
    case YAML::NodeType::Map: {
      json object = json::object();
      for (const auto& item : node) {
        if (!item.first.IsScalar()) {
          throw ConfigError(location_of(item.first, origin).str() + ": mapping keys must be plain names");
        }
        const std::string key = item.first.Scalar();
        if (first_invalid_utf8(key) != std::string::npos) {
          throw ConfigError(location_of(item.first, origin).str() + ": key is not valid UTF-8");
        }
        locations[child_path(key)] = location_of(item.first, origin);
        if (object.contains(key)) {
          throw ConfigError(location_of(item.first, origin).str() + ": key '" + child_path(key) +
                            "' is given twice");
        }
        object[key] = convert(item.second, child_path(key), origin, locations, budget, depth + 1);
      }
      return object;
    }
  }
  return nullptr;
}

std::string scalar_text(const json& value) {
  if (value.is_number_float()) {
    double number = value.get<double>();
    if (std::isnan(number)) return ".nan";
    if (std::isinf(number)) return number > 0 ? ".inf" : "-.inf";
    std::string text = value.dump();  // shortest text that reads back to the same double
    if (text.find_first_of(".eE") == std::string::npos) text += ".0";
    return text;
  }
  if (!value.is_string()) return value.dump();  // null, bool, integers
  // Plain when it reads back as the same string; otherwise JSON's double-quoted form, valid YAML.
  static const std::regex kPlainSafe(R"([A-Za-z0-9_./+-][A-Za-z0-9_./+\- ]*)");
  const auto& text = value.get_ref<const std::string&>();
  bool plain = std::regex_match(text, kPlainSafe) && text.back() != ' ' &&
               resolve_plain_scalar(text) == value;
  return plain ? text : value.dump();
}

bool is_flow_list(const json& value) {
  for (const auto& item : value) {
    if (item.is_structured()) return false;
  }
  return true;
}

void emit(const json& value, int indent, std::string& out) {
  const std::string pad(indent, ' ');
  if (value.is_object() && value.empty()) {
    out += pad + "{}\n";
  } else if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      out += pad + scalar_text(json(key)) + ":";
      if (item.is_object() && !item.empty()) {
        out += "\n";
        emit(item, indent + 2, out);
      } else if (item.is_array() && !is_flow_list(item)) {
        out += "\n";
        emit(item, indent + 2, out);
      } else {
        out += " ";
        emit(item, 0, out);
      }
    }
  } else if (value.is_array() && !is_flow_list(value)) {
    for (const auto& item : value) {
      out += pad + "-";
      if (item.is_structured() && !item.empty() && !(item.is_array() && is_flow_list(item))) {
        out += "\n";
        emit(item, indent + 2, out);
      } else {
        out += " ";
        emit(item, 0, out);
      }
    }
  } else if (value.is_array()) {
    out += pad + "[";
    for (size_t i = 0; i < value.size(); ++i) out += (i ? ", " : "") + scalar_text(value[i]);
    out += "]\n";
  } else {
    out += pad + scalar_text(value) + "\n";
  }
}

}  // namespace

std::string Location::str() const {
  if (line <= 0) return origin;
  return origin + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string location_prefix(const LocationMap& locations, std::string path) {
  while (!path.empty()) {
    if (auto found = locations.find(path); found != locations.end()) return found->second.str() + ": ";
    auto dot = path.rfind('.');
    path = dot == std::string::npos ? "" : path.substr(0, dot);
  }
  return "";
}

YamlDocument parse_yaml(const std::string& text, const std::string& origin) {
  // YAML is Unicode; a stray byte would otherwise surface later, when a value is printed.
  if (const size_t bad = first_invalid_utf8(text); bad != std::string::npos) {
    const size_t line = 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<long>(bad), '\n'));
    const size_t line_start = text.rfind('\n', bad == 0 ? 0 : bad - 1);
    const size_t column = bad - (line_start == std::string::npos || bad == 0 ? 0 : line_start + 1) + 1;
    throw ConfigError(origin + ":" + std::to_string(line) + ":" + std::to_string(column) +
                      ": not valid UTF-8 (byte " + std::to_string(static_cast<int>(static_cast<uint8_t>(text[bad]))) +
                      "); configs must be UTF-8 text");
  }
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(origin + ":" + std::to_string(e.mark.line + 1) + ":" +
                      std::to_string(e.mark.column + 1) + ": invalid YAML: " + e.msg);
  }
  YamlDocument document;
  size_t budget = kMaxYamlValues;
  document.value = convert(root, "", origin, document.locations, budget);
  return document;
}

YamlDocument load_yaml_file(const std::filesystem::path& path) {
  std::string text;
  try {
    text = read_file(path);
  } catch (const DataError& e) {
    throw ConfigError(std::string("config file: ") + e.what());
  }
  return parse_yaml(text, path.string());
}

std::string to_yaml(const json& value) {
  std::string out;
  emit(value, 0, out);
  return out;
}

}  // namespace segkit::config
