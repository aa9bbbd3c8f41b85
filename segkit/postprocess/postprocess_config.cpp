#include "segkit/postprocess/postprocess_config.h"

#include <algorithm>
#include <type_traits>

#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/core/strings.h"

namespace segkit::postprocess {
namespace {

using config::json;

const std::vector<std::string>& class_keys() {
  static const std::vector<std::string> keys{"threshold", "min_area", "min_total", "min_prob_sum", "fill_holes",
                                             "shape", "cls_threshold"};
  return keys;
}

void check_keys(const json& object, const std::vector<std::string>& valid, const std::string& path,
                const config::LocationMap& locations) {
  if (!object.is_object()) {
    throw ConfigError(config::location_prefix(locations, path) + "'" + path + "' must be a mapping");
  }
  for (const auto& item : object.items()) {
    if (std::find(valid.begin(), valid.end(), item.key()) != valid.end()) continue;
    const std::string key = path.empty() ? item.key() : path + "." + item.key();
    throw ConfigError(config::location_prefix(locations, key) + "unknown key '" + key + "' (valid: " +
                      join(valid, ", ") + ")" + did_you_mean(item.key(), valid));
  }
}

template <typename T>
T read_value(const json& value, const std::string& key, const config::LocationMap& locations) {
  const bool ok = std::is_same_v<T, bool>          ? value.is_boolean()
                  : std::is_same_v<T, int>         ? value.is_number_integer()
                  : std::is_same_v<T, double>      ? value.is_number()
                                                   : value.is_string();
  if (!ok) {
    throw ConfigError(config::location_prefix(locations, key) + "'" + key + "' has the wrong type (" +
                      value.type_name() + ")");
  }
  return value.get<T>();
}

ClassPostprocess read_class(const json& object, ClassPostprocess params, const std::string& path,
                            const config::LocationMap& locations) {
  check_keys(object, class_keys(), path, locations);
  const auto key = [&](const char* name) { return path + "." + name; };
  if (object.contains("threshold")) params.threshold = read_value<double>(object["threshold"], key("threshold"), locations);
  if (object.contains("min_area")) params.min_area = read_value<int>(object["min_area"], key("min_area"), locations);
  if (object.contains("min_total")) params.min_total = read_value<int>(object["min_total"], key("min_total"), locations);
  if (object.contains("min_prob_sum")) {
    params.min_prob_sum = read_value<double>(object["min_prob_sum"], key("min_prob_sum"), locations);
  }
  if (object.contains("fill_holes")) params.fill_holes = read_value<bool>(object["fill_holes"], key("fill_holes"), locations);
  if (object.contains("shape")) params.shape = read_value<std::string>(object["shape"], key("shape"), locations);
  if (object.contains("cls_threshold")) {
    const json& value = object["cls_threshold"];
    params.cls_threshold.reset();
    if (!value.is_null()) params.cls_threshold = read_value<double>(value, key("cls_threshold"), locations);
  }
  validate(params, config::location_prefix(locations, path) + path + ": ");
  return params;
}

json class_json(const ClassPostprocess& params) {
  json out = json::object();
  out["threshold"] = params.threshold;
  out["min_area"] = params.min_area;
  out["min_total"] = params.min_total;
  out["min_prob_sum"] = params.min_prob_sum;
  out["fill_holes"] = params.fill_holes;
  out["shape"] = params.shape;
  out["cls_threshold"] = params.cls_threshold ? json(*params.cls_threshold) : json(nullptr);
  return out;
}

}  // namespace

PostprocessConfig read_postprocess_config(const std::filesystem::path& path, const std::vector<std::string>& classes) {
  auto config = read_postprocess_config(path);
  for (const auto& name : config.classes) {
    if (std::find(classes.begin(), classes.end(), name) == classes.end()) {
      throw ConfigError(path.string() + ": class '" + name + "' is not one the models predict (" + join(classes, ", ") +
                        ")");
    }
  }
  return config;
}

const ClassPostprocess& PostprocessConfig::for_class(const std::string& name) const {
  for (size_t i = 0; i < classes.size() && i < per_class.size(); ++i) {
    if (classes[i] == name) return per_class[i];
  }
  return defaults;
}

PostprocessConfig parse_postprocess_config(const config::YamlDocument& document) {
  const auto& locations = document.locations;
  const json root = document.value.is_null() ? json::object() : document.value;
  check_keys(root, {"default", "classes"}, "", locations);
  PostprocessConfig out;
  if (root.contains("default")) out.defaults = read_class(root["default"], {}, "default", locations);
  if (root.contains("classes")) {
    const json& classes = root["classes"];
    if (!classes.is_object()) {
      throw ConfigError(config::location_prefix(locations, "classes") + "'classes' must be a mapping of class names");
    }
    for (const auto& item : classes.items()) {
      out.classes.push_back(item.key());
      out.per_class.push_back(read_class(item.value(), out.defaults, "classes." + item.key(), locations));
    }
  }
  return out;
}

PostprocessConfig read_postprocess_config(const std::filesystem::path& path) {
  return parse_postprocess_config(config::load_yaml_file(path));
}

std::string to_yaml(const PostprocessConfig& config) {
  json root = json::object();
  root["default"] = class_json(config.defaults);
  json classes = json::object();
  for (size_t i = 0; i < config.classes.size(); ++i) classes[config.classes[i]] = class_json(config.per_class.at(i));
  root["classes"] = classes;
  return "# Per-class post-processing (docs/pipeline.md); written by `segkit tune`.\n" + config::to_yaml(root);
}

void write_postprocess_config(const std::filesystem::path& path, const PostprocessConfig& config) {
  write_file_atomic(path, to_yaml(config));
}

}  // namespace segkit::postprocess
