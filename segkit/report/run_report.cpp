#include "segkit/report/run_report.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>
#include <sstream>

#include "segkit/core/atomic_file.h"
#include "segkit/core/strings.h"
#include "segkit/report/class_charts.h"
#include "segkit/report/html.h"
#include "segkit/report/overlay.h"
#include "segkit/report/report_charts.h"

namespace segkit::report {
namespace {

constexpr const char* kStyle = R"(
body { font-family: system-ui, sans-serif; margin: 24px; color: #222; max-width: 1400px; }
h1 { margin-bottom: 4px; } h2 { border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 32px; }
nav a { margin-right: 12px; } code, pre { font-family: ui-monospace, monospace; }
.meta { color: #555; } .warning { color: #a40; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; }
.chart { border: 1px solid #eee; background: #fff; }
table { border-collapse: collapse; } td, th { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: right; }
td:first-child, th:first-child { text-align: left; font-family: ui-monospace, monospace; }
tr.monitor { background: #fff6d5; }
.examples { display: flex; flex-wrap: wrap; gap: 16px; }
figure { margin: 0; } figure img { max-width: 100%; image-rendering: pixelated; display: block; }
figcaption { font-size: 13px; margin-top: 4px; }
.swatch { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 12px; vertical-align: middle; }
pre { background: #f6f6f6; padding: 12px; overflow: auto; }
)";

std::string class_name(const ReportInfo& info, size_t k) {
  return k < info.class_names.size() ? info.class_names[k] : "class " + std::to_string(k);
}

void write_header(std::ostream& out, const std::filesystem::path& run_dir, const ReportInfo& info,
                  const RunLog& log, std::optional<size_t> best) {
  out << "<p class=\"meta\">Run <code>" << html_escape(run_dir.string()) << "</code> &middot; " << log.epochs.size()
      << " epoch" << (log.epochs.size() == 1 ? "" : "s") << " logged</p>\n";
  if (log.epochs.empty()) {
    out << "<p class=\"warning\">" << html_escape(log.path.string()) << " has no epochs yet.</p>\n";
    return;
  }
  const auto monitor = log.find_key(info.monitor);
  if (!info.monitor.empty() && !monitor) {
    std::vector<std::string> names;
    for (const auto& key : log.keys) names.push_back(dotted(key));
    out << "<p class=\"warning\">Monitored metric <code>" << html_escape(info.monitor) << "</code> is not in "
        << html_escape(log.path.filename().string()) << html_escape(did_you_mean(info.monitor, names)) << "</p>\n";
  }
  if (!best) return;
  out << "<p>Best epoch <b>" << format_number(log.epochs[*best].epoch) << "</b>";
  if (monitor) {
    out << ": <code>" << html_escape(info.monitor) << "</code> = <b>" << format_number(log.value(*best, *monitor))
        << "</b>";
  }
  out << "</p>\n";
}

void write_charts(std::ostream& out, const char* id, const char* heading, const std::vector<LineChart>& charts) {
  if (charts.empty()) return;
  out << "<section id=\"" << id << "\"><h2>" << heading << "</h2>\n<div class=\"charts\">\n";
  for (const auto& chart : charts) out << svg_line_chart(chart);
  out << "</div></section>\n";
}

void write_table(std::ostream& out, const ReportInfo& info, const RunLog& log, std::optional<size_t> best) {
  if (log.epochs.empty()) return;
  const size_t last = log.epochs.size() - 1;
  out << "<section id=\"values\"><h2>Last and best epoch</h2>\n<table>\n<tr><th>key</th><th>last (epoch "
      << format_number(log.epochs[last].epoch) << ")</th>";
  if (best) out << "<th>best (epoch " << format_number(log.epochs[*best].epoch) << ")</th>";
  out << "</tr>\n";
  for (const auto& key : log.keys) {
    const std::string name = dotted(key);
    out << "<tr" << (name == info.monitor ? " class=\"monitor\"" : "") << "><td>" << html_escape(name) << "</td><td>"
        << format_number(log.value(last, key)) << "</td>";
    if (best) out << "<td>" << format_number(log.value(*best, key)) << "</td>";
    out << "</tr>\n";
  }
  out << "</table></section>\n";
}

void write_examples(std::ostream& out, const ReportInfo& info, const std::vector<ReportExample>& examples) {
  if (examples.empty()) return;
  size_t classes = info.class_names.size();
  for (const auto& ex : examples) classes = std::max(classes, static_cast<size_t>(ex.prediction.channels()));
  out << "<section id=\"examples\"><h2>Examples</h2>\n<p>Image &middot; ground truth &middot; prediction. Classes:";
  for (size_t k = 0; k < classes; ++k) {
    out << "<span class=\"swatch\" style=\"background:" << class_color_hex(k) << "\"></span>"
        << html_escape(class_name(info, k));
  }
  out << "</p>\n<div class=\"examples\">\n";
  for (const auto& ex : examples) {
    out << "<figure><img alt=\"" << html_escape(ex.id) << "\" src=\"" << jpeg_data_uri(example_panel(ex))
        << "\">\n<figcaption><b>" << html_escape(ex.id) << "</b><br>";
    if (ex.truth.empty()) {
      out << "no ground truth";
    } else {
      const auto dice = dice_per_class(ex.truth, ex.prediction);
      out << "Dice:";
      for (size_t k = 0; k < dice.size(); ++k) {
        out << (k ? " &middot; " : " ") << html_escape(class_name(info, k)) << ' ' << format_number(dice[k]);
      }
    }
    out << "</figcaption></figure>\n";
  }
  out << "</div></section>\n";
}

void write_confusion(std::ostream& out, const ReportInfo& info, const RunLog& log, std::optional<size_t> best) {
  if (info.confusion_matrix.empty()) return;
  std::vector<std::string> names;
  std::vector<double> iou;
  for (size_t k = 0; k < info.confusion_matrix.size(); ++k) {
    names.push_back(class_name(info, k));
    iou.push_back(best ? log.value(*best, {"val", "iou_per_class", names.back()}) : NAN);
  }
  out << "<section id=\"confusion\"><h2>Confusion matrix (validation, best epoch)</h2>\n<div class=\"charts\">\n"
      << svg_confusion_matrix(names, info.confusion_matrix) << svg_class_bars("IoU per class", names, iou)
      << "</div></section>\n";
}

}  // namespace

std::string render_report(const std::filesystem::path& run_dir, const ReportInfo& info, const RunLog& log,
                          const std::vector<ReportExample>& examples) {
  std::string title = info.title;
  if (title.empty()) {
    const auto name = run_dir.filename().empty() ? run_dir.parent_path().filename() : run_dir.filename();
    title = "segkit run " + name.string();
  }
  const auto best = log.best_epoch(info.monitor);
  const ReportCharts charts = charts_from_log(log);

  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" << html_escape(title)
      << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n<h1>" << html_escape(title) << "</h1>\n";
  write_header(out, run_dir, info, log, best);
  const std::pair<bool, const char*> links[] = {
      {!charts.metrics.empty(), "curves"},  {!charts.per_class.empty(), "per-class"},
      {charts.learning_rate.has_value(), "learning-rate"}, {!info.confusion_matrix.empty(), "confusion"},
      {!log.epochs.empty(), "values"},
      {!examples.empty(), "examples"},      {true, "config"}};
  out << "<nav>";
  for (const auto& [present, id] : links) {
    if (present) out << "<a href=\"#" << id << "\">" << id << "</a>";
  }
  out << "</nav>\n";
  write_charts(out, "curves", "Loss and metrics", charts.metrics);
  write_charts(out, "per-class", "Per-class metrics", charts.per_class);
  if (charts.learning_rate) write_charts(out, "learning-rate", "Learning rate", {*charts.learning_rate});
  write_confusion(out, info, log, best);
  write_table(out, info, log, best);
  write_examples(out, info, examples);
  out << "<section id=\"config\"><h2>Config</h2>\n<pre>"
      << (info.config_yaml.empty() ? "(not recorded)" : html_escape(info.config_yaml)) << "</pre></section>\n";
  out << "</body>\n</html>\n";
  return out.str();
}

void write_report(const std::filesystem::path& run_dir, const ReportInfo& info,
                  const std::vector<ReportExample>& examples) {
  const RunLog log = read_run_log(run_dir / "log.jsonl");
  write_file_atomic(run_dir / "report.html", render_report(run_dir, info, log, examples));
}

}  // namespace segkit::report
