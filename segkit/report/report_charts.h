#pragma once
// Which charts a run log yields. The log's shape decides, not a list of metric names, so a config that
// adds a metric gets its chart without touching this code:
//   - SECTION.METRIC numbers (train.loss, val.dice, val.iou): one chart per METRIC, one series per
//     SECTION; charts whose name contains "loss" come first.
//   - SECTION.METRIC.CLASS numbers (val.dice_per_class.cell): one chart per METRIC with a series per
//     CLASS, from "val" when it has the metric (the model-selection split), else the first section.
//   - lr.GROUP (or a plain lr): one log-scale chart, a series per parameter group.
// Top-level numbers (step, time_s) and deeper keys appear only in the report's table.

#include <optional>
#include <vector>

#include "segkit/report/line_chart.h"
#include "segkit/report/run_log.h"

namespace segkit::report {

struct ReportCharts {
  std::vector<LineChart> metrics;
  std::vector<LineChart> per_class;
  std::optional<LineChart> learning_rate;
};

ReportCharts charts_from_log(const RunLog& log);

}  // namespace segkit::report
