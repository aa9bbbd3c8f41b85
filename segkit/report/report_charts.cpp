#include "segkit/report/report_charts.h"

#include <algorithm>

#include "segkit/core/strings.h"

namespace segkit::report {
namespace {

ChartSeries series_of(const RunLog& log, const KeyPath& key, std::string name) {
  ChartSeries series{std::move(name), {}};
  for (size_t i = 0; i < log.epochs.size(); ++i) series.points.push_back({log.epochs[i].epoch, log.value(i, key)});
  return series;
}

LineChart epoch_chart(std::string title, std::string y_label) {
  LineChart chart;
  chart.title = std::move(title);
  chart.x_label = "epoch";
  chart.y_label = std::move(y_label);
  return chart;
}

template <typename T>
void add_unique(std::vector<T>& list, const T& item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

bool contains(const std::vector<KeyPath>& keys, const KeyPath& key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

}  // namespace

ReportCharts charts_from_log(const RunLog& log) {
  std::vector<std::string> sections, metrics, class_metrics;
  for (const auto& key : log.keys) {
    if (key.empty() || key[0] == "lr") continue;
    if (key.size() == 2 || key.size() == 3) add_unique(sections, key[0]);
    if (key.size() == 2) add_unique(metrics, key[1]);
    if (key.size() == 3) add_unique(class_metrics, key[1]);
  }
  std::stable_partition(metrics.begin(), metrics.end(),
                        [](const std::string& m) { return m.find("loss") != std::string::npos; });

  ReportCharts charts;
  for (const auto& metric : metrics) {
    LineChart chart = epoch_chart(metric, metric);
    for (const auto& section : sections) {
      if (contains(log.keys, {section, metric})) chart.series.push_back(series_of(log, {section, metric}, section));
    }
    charts.metrics.push_back(std::move(chart));
  }

  for (const auto& metric : class_metrics) {
    auto has = [&](const std::string& section) {
      return std::any_of(log.keys.begin(), log.keys.end(),
                         [&](const KeyPath& k) { return k.size() == 3 && k[0] == section && k[1] == metric; });
    };
    const auto first = std::find_if(sections.begin(), sections.end(), has);
    const std::string section = has("val") ? "val" : *first;
    std::string y_label = metric;
    if (ends_with(y_label, "_per_class")) y_label.resize(y_label.size() - std::string("_per_class").size());
    LineChart chart = epoch_chart(section + " " + y_label + " per class", y_label);
    for (const auto& key : log.keys) {
      if (key.size() == 3 && key[0] == section && key[1] == metric) chart.series.push_back(series_of(log, key, key[2]));
    }
    charts.per_class.push_back(std::move(chart));
  }

  LineChart lr = epoch_chart("learning rate", "lr");
  lr.log_y = true;
  for (const auto& key : log.keys) {
    if (key[0] == "lr" && key.size() <= 2) lr.series.push_back(series_of(log, key, key.size() == 1 ? "lr" : key[1]));
  }
  if (!lr.series.empty()) charts.learning_rate = std::move(lr);
  return charts;
}

}  // namespace segkit::report
