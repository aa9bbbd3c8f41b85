#pragma once
// A small RFC 4180 CSV reader for label files: comma-separated, optional double quotes ("" inside a
// quoted field is a quote), LF or CRLF line ends, a header row. Every row keeps its 1-based line
// number so errors can say `train.csv:1234`. Fields are not trimmed (SIIM's leading space in the RLE
// is the RLE parser's business) except that header names are, since SIIM writes "ImageId, EncodedPixels".
//
//   auto table = segkit::io::read_csv("train.csv");
//   size_t column = table.column("EncodedPixels");     // DataError listing the header if absent
//   for (const auto& row : table.rows) use(row.fields[column], row.line);

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace segkit::io {

struct CsvRow {
  std::vector<std::string> fields;
  size_t line = 0;  // 1-based line of the row's first character
};

struct CsvTable {
  std::string source;  // file name for messages
  std::vector<std::string> header;
  std::vector<CsvRow> rows;

  /// Index of a header column; throws DataError naming the file and the header when absent.
  size_t column(const std::string& name) const;
  /// Index of a header column, or npos.
  size_t find_column(const std::string& name) const;
  /// "file:line" for messages about a row.
  std::string where(const CsvRow& row) const;
};

/// Parses CSV text. Every row must have as many fields as the header (DataError naming the line).
CsvTable parse_csv(std::string_view text, const std::string& source);
/// Reads and parses a file (IoError when unreadable).
CsvTable read_csv(const std::filesystem::path& path);

}  // namespace segkit::io
