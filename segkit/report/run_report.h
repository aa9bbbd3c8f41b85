#pragma once
// RUN_DIR/report.html: what a person opens after (or during) a training run. One self-contained
// file (inline SVG charts, JPEG data URIs, inline CSS; no network, no JavaScript) with the best epoch,
// loss/metric/per-class/learning-rate curves, the last and best epoch's values, predicted examples
// with their per-class Dice, a multiclass run's confusion matrix, and the resolved config. docs/training.md, "The run report".
//
//   ReportInfo info;
//   info.title = "unet-resnet34 fold 0"; info.class_names = {"membrane", "cell"};
//   info.monitor = "val.dice"; info.config_yaml = resolved_yaml;
//   write_report(run_dir, info, examples);   // reads run_dir/log.jsonl, writes run_dir/report.html

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "segkit/report/example_panel.h"
#include "segkit/report/run_log.h"

namespace segkit::report {

struct ReportInfo {
  std::string title;                     ///< empty: "segkit run <run dir name>"
  std::vector<std::string> class_names;  ///< mask channel k is class_names[k] ("class k" beyond)
  std::string monitor;                   ///< dotted log key the trainer selects on, e.g. "val.dice"
  std::string config_yaml;               ///< resolved config, shown verbatim
  /// Multiclass runs: the validation confusion matrix of the best epoch (rows true class, columns
  /// predicted), shown with the best epoch's per-class IoU; empty for other runs.
  std::vector<std::vector<int64_t>> confusion_matrix;
};

/// Reads RUN_DIR/log.jsonl and writes RUN_DIR/report.html atomically. DataError for a missing or
/// malformed log (file:line), ShapeError for an example whose masks do not fit its image.
void write_report(const std::filesystem::path& run_dir, const ReportInfo& info,
                  const std::vector<ReportExample>& examples);

/// The page itself, for a log already read.
std::string render_report(const std::filesystem::path& run_dir, const ReportInfo& info, const RunLog& log,
                          const std::vector<ReportExample>& examples);

}  // namespace segkit::report
