#include "segkit/train/section_args.h"

#include <algorithm>
#include <cmath>

#include "segkit/core/error.h"
#include "segkit/core/strings.h"

namespace segkit::train {

SectionArgs::SectionArgs(const config::json& section, std::string what)
    : section_(section.is_null() ? config::json::object() : section), what_(std::move(what)) {
  if (!section_.is_object()) throw ConfigError(what_ + " must be a mapping of keys, got " + section_.dump());
}

void SectionArgs::fail(const std::string& key, const std::string& message) const {
  throw ConfigError(what_ + ": '" + key + "' " + message);
}

void SectionArgs::declare(const std::string& key) {
  if (std::find(declared_.begin(), declared_.end(), key) == declared_.end()) declared_.push_back(key);
}

const config::json* SectionArgs::find(const std::string& key) {
  declare(key);
  auto found = section_.find(key);
  return found == section_.end() || found->is_null() ? nullptr : &*found;
}

std::optional<double> SectionArgs::optional_number(const std::string& key) {
  const config::json* value = find(key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number()) fail(key, "must be a number, got " + value->dump());
  return value->get<double>();
}

double SectionArgs::number(const std::string& key, double default_value) {
  return optional_number(key).value_or(default_value);
}

std::optional<int64_t> SectionArgs::optional_integer(const std::string& key) {
  const config::json* value = find(key);
  if (value == nullptr) return std::nullopt;
  // YAML writes 1e3 as a float; accept it when it is a whole number.
  const bool whole = value->is_number_integer() ||
                     (value->is_number_float() && std::nearbyint(value->get<double>()) == value->get<double>());
  if (!whole) fail(key, "must be an integer, got " + value->dump());
  return value->is_number_integer() ? value->get<int64_t>() : static_cast<int64_t>(value->get<double>());
}

int64_t SectionArgs::integer(const std::string& key, int64_t default_value) {
  return optional_integer(key).value_or(default_value);
}

bool SectionArgs::boolean(const std::string& key, bool default_value) {
  const config::json* value = find(key);
  if (value == nullptr) return default_value;
  if (!value->is_boolean()) fail(key, "must be true or false, got " + value->dump());
  return value->get<bool>();
}

std::string SectionArgs::choice(const std::string& key, const std::string& default_value,
                                const std::vector<std::string>& choices) {
  const config::json* value = find(key);
  if (value == nullptr) return default_value;
  if (!value->is_string()) fail(key, "must be one of " + join(choices, ", ") + ", got " + value->dump());
  const std::string text = value->get<std::string>();
  if (std::find(choices.begin(), choices.end(), text) == choices.end()) {
    fail(key, "is '" + text + "'" + did_you_mean(text, choices) + "; valid: " + join(choices, ", "));
  }
  return text;
}

std::vector<double> SectionArgs::numbers(const std::string& key, std::vector<double> default_value) {
  const config::json* value = find(key);
  if (value == nullptr) return default_value;
  const std::string expected = "must be a list of " + std::to_string(default_value.size()) + " numbers, got ";
  if (!value->is_array() || value->size() != default_value.size()) fail(key, expected + value->dump());
  std::vector<double> result;
  for (const auto& element : *value) {
    if (!element.is_number()) fail(key, expected + value->dump());
    result.push_back(element.get<double>());
  }
  return result;
}

std::optional<std::vector<double>> SectionArgs::per_group(const std::string& key, size_t groups) {
  const config::json* value = find(key);
  if (value == nullptr) return std::nullopt;
  if (value->is_number()) return std::vector<double>(groups, value->get<double>());
  if (value->is_object() && value->size() == 1 && value->contains("slice")) {
    const auto& ends = (*value)["slice"];
    if (!ends.is_array() || ends.size() != 2 || !ends[0].is_number() || !ends[1].is_number() ||
        !(ends[0].get<double>() > 0) || !(ends[1].get<double>() > 0)) {
      fail(key, "{slice: [first, last]} needs two positive numbers, got " + value->dump());
    }
    const double first = ends[0].get<double>(), last = ends[1].get<double>();
    if (groups == 1) return std::vector<double>{last};
    std::vector<double> result;
    const double step = std::pow(last / first, 1.0 / static_cast<double>(groups - 1));
    for (size_t g = 0; g < groups; ++g) result.push_back(first * std::pow(step, static_cast<double>(g)));
    return result;
  }
  const std::string expected =
      "must be a number or a list of " + std::to_string(groups) + " (one per param group), got ";
  if (!value->is_array() || value->size() != groups) fail(key, expected + value->dump());
  std::vector<double> result;
  for (const auto& element : *value) {
    if (!element.is_number()) fail(key, expected + value->dump());
    result.push_back(element.get<double>());
  }
  return result;
}

void SectionArgs::finish() const {
  for (const auto& item : section_.items()) {
    if (std::find(declared_.begin(), declared_.end(), item.key()) != declared_.end()) continue;
    throw ConfigError(what_ + " has no key '" + item.key() + "'" + did_you_mean(item.key(), declared_) +
                      "; valid keys: " + join(declared_, ", "));
  }
}

}  // namespace segkit::train
