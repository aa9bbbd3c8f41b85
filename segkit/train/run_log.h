#pragma once
// The per-epoch logs of a run: `log.jsonl` (one JSON object per epoch, nested as the Trainer builds
// it) and `log.csv` (the same values flattened to columns such as `val.dice_per_class.membrane`).
// Both are rewritten whole and atomically from the run's history after every epoch, so a resumed
// run never duplicates or loses a line.

#include <filesystem>
#include <string>
#include <vector>

#include "segkit/config/yaml_loader.h"

namespace segkit::train {

/// Flattens nested objects into dotted keys, in first-seen order.
std::vector<std::pair<std::string, config::json>> flatten(const config::json& entry);

void write_run_logs(const std::filesystem::path& run_dir, const std::vector<config::json>& history);

/// The value at a dotted key ("val.dice") of an epoch entry; nullopt when absent or not a number.
std::optional<double> lookup_number(const config::json& entry, const std::string& dotted_key);

}  // namespace segkit::train
