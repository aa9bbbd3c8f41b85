#include "segkit/transforms/transform_args.h"

#include <algorithm>
#include <opencv2/imgproc.hpp>

#include "segkit/core/strings.h"

namespace segkit::transforms {
namespace {

bool is_integer(const json& v) {
  return v.is_number_integer() || v.is_number_unsigned();
}

}  // namespace

TransformArgs::TransformArgs(const json& values, std::string context)
    : values_(values.is_null() ? json::object() : values), context_(std::move(context)) {
  if (!values_.is_object()) {
    throw ConfigError(context_ + ": parameters must be a mapping such as {p: 0.5}, got " +
                      values_.dump());
  }
}

const json* TransformArgs::find(const std::string& key) {
  if (std::find(declared_.begin(), declared_.end(), key) == declared_.end()) {
    declared_.push_back(key);
  }
  auto found = values_.find(key);
  return found == values_.end() || found->is_null() ? nullptr : &*found;
}

bool TransformArgs::has(const std::string& key) const {
  auto found = values_.find(key);
  return found != values_.end() && !found->is_null();
}

void TransformArgs::fail(const std::string& key, const std::string& message) const {
  throw ConfigError(context_ + ": parameter '" + key + "' " + message);
}

double TransformArgs::number(const std::string& key, double default_value) {
  const json* v = find(key);
  if (!v) return default_value;
  if (!v->is_number()) fail(key, "must be a number, got " + v->dump());
  return v->get<double>();
}

int TransformArgs::integer(const std::string& key, int default_value) {
  return optional_integer(key, default_value).value_or(default_value);
}

int TransformArgs::required_integer(const std::string& key) {
  std::optional<int> value = optional_integer(key, std::nullopt);
  if (!value) {
    std::vector<std::string> written;
    for (const auto& item : values_.items()) written.push_back(item.key());
    const std::string typo = closest_match(key, written);
    fail(key, "is required" +
                  (typo.empty() ? std::string() : " ('" + typo + "' is not a parameter; a typo?)"));
  }
  return *value;
}

std::optional<int> TransformArgs::optional_integer(const std::string& key,
                                                   std::optional<int> default_value) {
  auto found = values_.find(key);
  const bool written_null = found != values_.end() && found->is_null();
  const json* v = find(key);
  if (!v) return written_null ? std::nullopt : default_value;
  if (!is_integer(*v)) fail(key, "must be an integer, got " + v->dump());
  return v->get<int>();
}

bool TransformArgs::boolean(const std::string& key, bool default_value) {
  const json* v = find(key);
  if (!v) return default_value;
  if (!v->is_boolean()) fail(key, "must be true or false, got " + v->dump());
  return v->get<bool>();
}

std::string TransformArgs::string(const std::string& key, const std::string& default_value) {
  const json* v = find(key);
  if (!v) return default_value;
  if (!v->is_string()) fail(key, "must be a string, got " + v->dump());
  return v->get<std::string>();
}

std::optional<Range> TransformArgs::optional_range(const std::string& key, ScalarRule rule,
                                                   double low) {
  const json* v = find(key);
  if (!v) return std::nullopt;
  if (v->is_number() && rule != ScalarRule::kListOnly) {
    const double limit = v->get<double>();
    if (rule == ScalarRule::kSymmetric) return Range::symmetric(limit);
    return low < limit ? Range{low, limit} : Range{limit, low};  // to_tuple(limit, low)
  }
  if (v->is_array() && v->size() == 2 && (*v)[0].is_number() && (*v)[1].is_number()) {
    return Range{(*v)[0].get<double>(), (*v)[1].get<double>()};
  }
  fail(key, std::string(rule == ScalarRule::kListOnly ? "must be a list of 2 numbers [lo, hi]"
                                                      : "must be a number or a list of 2 numbers "
                                                        "[lo, hi]") +
                ", got " + v->dump());
}

Range TransformArgs::range(const std::string& key, Range default_value, ScalarRule rule,
                           double low) {
  return optional_range(key, rule, low).value_or(default_value);
}

std::vector<double> TransformArgs::numbers(const std::string& key,
                                           std::vector<double> default_value) {
  const json* v = find(key);
  if (!v) return default_value;
  if (v->is_number()) return {v->get<double>()};
  if (v->is_array() && !v->empty() &&
      std::all_of(v->begin(), v->end(), [](const json& e) { return e.is_number(); })) {
    return v->get<std::vector<double>>();
  }
  fail(key, "must be a number or a non-empty list of numbers, got " + v->dump());
}

std::vector<int> TransformArgs::integers(const std::string& key) {
  const json* v = find(key);
  if (!v) return {};
  if (v->is_array() && std::all_of(v->begin(), v->end(), is_integer)) {
    return v->get<std::vector<int>>();
  }
  fail(key, "must be a list of integers, got " + v->dump());
}

FillValue TransformArgs::fill(const std::string& key) {
  return numbers(key, {});
}

int TransformArgs::interpolation(const std::string& key) {
  const json* v = find(key);
  if (!v) return cv::INTER_LINEAR;
  if (v->is_string()) {
    const int flag = detail::interpolation_from_name(v->get<std::string>());
    if (flag < 0) {
      fail(key, "'" + v->get<std::string>() + "' is not an interpolation" +
                    did_you_mean(v->get<std::string>(), detail::interpolation_names()) +
                    "; valid: " + join(detail::interpolation_names(), ", ") + " or cv2 flags 0-4");
    }
    return flag;
  }
  if (!is_integer(*v) || detail::interpolation_name(v->get<int>()).empty()) {
    fail(key, "must be one of " + join(detail::interpolation_names(), ", ") +
                  " or a cv2 flag 0-4, got " + v->dump());
  }
  return v->get<int>();
}

int TransformArgs::border_mode(const std::string& key) {
  const json* v = find(key);
  if (!v) return cv::BORDER_REFLECT_101;
  if (v->is_string()) {
    const int flag = detail::border_mode_from_name(v->get<std::string>());
    if (flag < 0) {
      fail(key, "'" + v->get<std::string>() + "' is not a border mode" +
                    did_you_mean(v->get<std::string>(), detail::border_mode_names()) +
                    "; valid: " + join(detail::border_mode_names(), ", ") + " or cv2 flags 0-4");
    }
    return flag;
  }
  if (!is_integer(*v) || detail::border_mode_name(v->get<int>()).empty()) {
    fail(key, "must be one of " + join(detail::border_mode_names(), ", ") +
                  " or a cv2 flag 0-4, got " + v->dump());
  }
  return v->get<int>();
}

double TransformArgs::p(double default_value) {
  const double p = number("p", default_value);
  return boolean("always_apply", false) ? 1.0 : p;
}

json TransformArgs::raw(const std::string& key) {
  const json* v = find(key);
  return v ? *v : json();
}

void TransformArgs::finish() const {
  std::vector<std::string> unknown;
  for (const auto& item : values_.items()) {
    if (std::find(declared_.begin(), declared_.end(), item.key()) == declared_.end()) {
      unknown.push_back(item.key());
    }
  }
  if (unknown.empty()) return;
  std::string message = context_ + ": unknown parameter '" + unknown.front() + "'" +
                        did_you_mean(unknown.front(), declared_);
  if (unknown.size() > 1) {
    message += " (also unknown: " + join({unknown.begin() + 1, unknown.end()}, ", ") + ")";
  }
  throw ConfigError(message + "; valid parameters: " + join(declared_, ", "));
}

}  // namespace segkit::transforms
