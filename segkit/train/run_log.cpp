#include "segkit/train/run_log.h"

#include <fmt/format.h>

#include <algorithm>

#include "segkit/core/atomic_file.h"
#include "segkit/core/strings.h"

namespace segkit::train {
namespace {

void flatten_into(const config::json& value, const std::string& prefix,
                  std::vector<std::pair<std::string, config::json>>& out) {
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) flatten_into(child, prefix.empty() ? key : prefix + "." + key, out);
    return;
  }
  out.emplace_back(prefix, value);
}

std::string csv_cell(const config::json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_float()) return fmt::format("{:.6g}", value.get<double>());
  return value.dump();
}

}  // namespace

std::vector<std::pair<std::string, config::json>> flatten(const config::json& entry) {
  std::vector<std::pair<std::string, config::json>> out;
  flatten_into(entry, "", out);
  return out;
}

void write_run_logs(const std::filesystem::path& run_dir, const std::vector<config::json>& history) {
  std::string jsonl;
  std::vector<std::string> columns;
  std::vector<std::vector<std::pair<std::string, config::json>>> rows;
  for (const auto& entry : history) {
    jsonl += entry.dump() + "\n";
    rows.push_back(flatten(entry));
    for (const auto& [key, value] : rows.back()) {
      if (std::find(columns.begin(), columns.end(), key) == columns.end()) columns.push_back(key);
    }
  }
  std::string csv = join(columns, ",") + "\n";
  for (const auto& row : rows) {
    std::vector<std::string> cells;
    for (const auto& column : columns) {
      const auto it = std::find_if(row.begin(), row.end(), [&](const auto& cell) { return cell.first == column; });
      cells.push_back(it == row.end() ? "" : csv_cell(it->second));
    }
    csv += join(cells, ",") + "\n";
  }
  write_file_atomic(run_dir / "log.jsonl", jsonl);
  write_file_atomic(run_dir / "log.csv", csv);
}

std::optional<double> lookup_number(const config::json& entry, const std::string& dotted_key) {
  const config::json* node = &entry;
  for (const auto& part : split(dotted_key, '.')) {
    if (!node->is_object() || !node->contains(part)) return std::nullopt;
    node = &(*node)[part];
  }
  if (!node->is_number()) return std::nullopt;
  return node->get<double>();
}

}  // namespace segkit::train
