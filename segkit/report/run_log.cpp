#include "segkit/report/run_log.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/core/strings.h"

namespace segkit::report {
namespace {

using json = nlohmann::ordered_json;  // keeps the trainer's key order for charts and tables

void flatten(const json& node, KeyPath& path, EpochRecord& record, RunLog& log) {
  if (node.is_object() || node.is_array()) {
    size_t index = 0;
    for (auto it = node.begin(); it != node.end(); ++it, ++index) {
      // Arrays (per-class lists) get their index as the key, so they chart like maps.
      path.push_back(node.is_object() ? it.key() : std::to_string(index));
      flatten(*it, path, record, log);
      path.pop_back();
    }
    return;
  }
  if (!node.is_number() && !node.is_null()) return;  // strings and flags are not plottable
  const double value = node.is_null() ? std::numeric_limits<double>::quiet_NaN() : node.get<double>();
  if (record.values.emplace(path, value).second &&
      std::find(log.keys.begin(), log.keys.end(), path) == log.keys.end()) {
    log.keys.push_back(path);
  }
}

}  // namespace

std::string dotted(const KeyPath& key) { return join(key, "."); }

double RunLog::value(size_t epoch_index, const KeyPath& key) const {
  const auto& values = epochs.at(epoch_index).values;
  const auto it = values.find(key);
  return it == values.end() ? std::numeric_limits<double>::quiet_NaN() : it->second;
}

std::optional<KeyPath> RunLog::find_key(std::string_view name) const {
  for (const auto& key : keys) {
    if (dotted(key) == name) return key;
  }
  return std::nullopt;
}

std::optional<size_t> RunLog::best_epoch(std::string_view monitor) const {
  for (size_t i = epochs.size(); i-- > 0;) {
    if (epochs[i].best) return i;
  }
  const auto key = find_key(monitor);
  if (!key) return std::nullopt;
  const bool lower_is_better = key->back().find("loss") != std::string::npos;
  std::optional<size_t> best;
  for (size_t i = 0; i < epochs.size(); ++i) {
    const double v = value(i, *key);
    if (!std::isfinite(v)) continue;
    // Strict comparison keeps the earliest of equal values, as a trainer's "improved" check does.
    if (!best || (lower_is_better ? v < value(*best, *key) : v > value(*best, *key))) best = i;
  }
  return best;
}

RunLog parse_run_log(std::string_view text, const std::filesystem::path& source) {
  RunLog log;
  log.path = source;
  size_t line_number = 0;
  for (const auto& line : split(text, '\n')) {
    ++line_number;
    if (trim(line).empty()) continue;
    const std::string where = source.string() + ":" + std::to_string(line_number);
    json record_json;
    try {
      record_json = json::parse(line);
    } catch (const json::parse_error& e) {
      throw DataError(where + ": not valid JSON (" + e.what() + "); each line must be one JSON object");
    }
    if (!record_json.is_object()) {
      throw DataError(where + ": expected a JSON object per line, got " + std::string(record_json.type_name()));
    }
    EpochRecord record;
    record.line = line_number;
    record.epoch = static_cast<double>(log.epochs.size() + 1);
    if (record_json.contains("epoch")) {
      if (!record_json["epoch"].is_number()) {
        throw DataError(where + ": \"epoch\" must be a number, got " + record_json["epoch"].dump());
      }
      record.epoch = record_json["epoch"].get<double>();
      record_json.erase("epoch");
    }
    if (record_json.contains("best")) record.best = record_json["best"].is_boolean() && record_json["best"].get<bool>();
    KeyPath path;
    flatten(record_json, path, record, log);
    log.epochs.push_back(std::move(record));
  }
  return log;
}

RunLog read_run_log(const std::filesystem::path& file) { return parse_run_log(read_file(file), file); }

}  // namespace segkit::report
