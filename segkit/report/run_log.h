#pragma once
// The trainer's RUN_DIR/log.jsonl as the report sees it: one record per line, every number in the
// line flattened to a key path ({"val": {"dice_per_class": {"cell": 0.3}}} -> val / dice_per_class /
// cell). The report plots whatever keys a config produced, so nothing here knows metric names except
// "epoch" (the x axis) and "best" (the trainer's checkpoint flag).
//
//   RunLog log = read_run_log(run_dir / "log.jsonl");
//   double dice = log.value(log.epochs.size() - 1, {"val", "dice"});   // NaN when not logged

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace segkit::report {

using KeyPath = std::vector<std::string>;

struct EpochRecord {
  size_t line = 0;   ///< 1-based line in log.jsonl
  double epoch = 0;  ///< "epoch", or the record's 1-based position when the line has none
  bool best = false; ///< "best": true, the trainer saved a best checkpoint at this epoch
  std::map<KeyPath, double> values;  ///< JSON null (how nlohmann writes NaN) becomes NaN
};

struct RunLog {
  std::filesystem::path path;
  std::vector<EpochRecord> epochs;
  std::vector<KeyPath> keys;  ///< every key of every record, in first-seen order

  /// NaN when the epoch did not log the key.
  double value(size_t epoch_index, const KeyPath& key) const;
  /// The key whose dotted name ("val.dice") is `name`, if logged.
  std::optional<KeyPath> find_key(std::string_view name) const;
  /// The last record flagged "best"; without flags, the epoch with the best `monitor` value (lowest
  /// when the metric's name contains "loss", else highest). nullopt when neither is available.
  std::optional<size_t> best_epoch(std::string_view monitor) const;
};

/// "val.dice_per_class.cell".
std::string dotted(const KeyPath& key);

/// Reads and parses `file`. DataError naming the file when it is missing, and "file:line" when a
/// line is not a JSON object or its "epoch" is not a number. Blank lines are skipped.
RunLog read_run_log(const std::filesystem::path& file);

/// As read_run_log, for text already in memory; `source` names it in errors.
RunLog parse_run_log(std::string_view text, const std::filesystem::path& source);

}  // namespace segkit::report
