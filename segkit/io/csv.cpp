#include "segkit/io/csv.h"

#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/core/strings.h"

namespace segkit::io {

size_t CsvTable::find_column(const std::string& name) const {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  return std::string::npos;
}

size_t CsvTable::column(const std::string& name) const {
  const size_t index = find_column(name);
  if (index == std::string::npos) {
    throw DataError(source + ": no column '" + name + "'" + did_you_mean(name, header) + "; the header is: " +
                    join(header, ","));
  }
  return index;
}

std::string CsvTable::where(const CsvRow& row) const { return source + ":" + std::to_string(row.line); }

CsvTable parse_csv(std::string_view text, const std::string& source) {
  CsvTable table;
  table.source = source;
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 BOM
  std::vector<std::vector<std::string>> records;
  std::vector<size_t> lines;
  std::vector<std::string> record;
  std::string field;
  size_t line = 1, record_line = 1;
  bool quoted = false, field_started = false;
  const auto end_record = [&] {
    record.push_back(std::move(field));
    field.clear();
    const bool blank = record.size() == 1 && record[0].empty();
    if (!blank) {
      records.push_back(std::move(record));
      lines.push_back(record_line);
    }
    record.clear();
    field_started = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"' && !field_started) {
      quoted = field_started = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
      field_started = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_record();
      record_line = ++line;
    } else {
      field += c;
      field_started = true;
    }
  }
  if (quoted) throw DataError(source + ":" + std::to_string(record_line) + ": unterminated quoted field");
  if (!field.empty() || !record.empty()) end_record();
  if (records.empty()) throw DataError(source + ": empty CSV (no header row)");
  for (auto& name : records.front()) table.header.emplace_back(trim(name));
  for (size_t r = 1; r < records.size(); ++r) {
    if (records[r].size() != table.header.size()) {
      throw DataError(source + ":" + std::to_string(lines[r]) + ": " + std::to_string(records[r].size()) +
                      " fields, but the header has " + std::to_string(table.header.size()));
    }
    table.rows.push_back({std::move(records[r]), lines[r]});
  }
  return table;
}

CsvTable read_csv(const std::filesystem::path& path) { return parse_csv(read_file(path), path.string()); }

}  // namespace segkit::io
