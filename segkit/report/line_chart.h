#pragma once
// Line charts as inline SVG, so the report needs neither JavaScript nor a plotting library. Each series
// becomes one <polyline> with its points in data order; points with a NaN or infinite coordinate (a
// metric not computed that epoch) and, on a log axis, values <= 0 are left out and the line joins
// its neighbours. The plot area is the <rect class="plot-box">; x grows to the right, y upwards.
//
//   LineChart chart;
//   chart.title = "loss"; chart.x_label = "epoch"; chart.y_label = "loss";
//   chart.series = {{"train", {{1, 0.9}, {2, 0.6}}}, {"val", {{1, 1.0}, {2, 0.7}}}};
//   std::string svg = svg_line_chart(chart);

#include <string>
#include <vector>

namespace segkit::report {

struct ChartPoint {
  double x = 0;
  double y = 0;
};

struct ChartSeries {
  std::string name;
  std::vector<ChartPoint> points;
};

struct LineChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<ChartSeries> series;
  bool log_y = false;    ///< decades evenly spaced, for learning rates
  int width = 440;       ///< whole SVG, pixels
  int plot_height = 200; ///< the plot box; title, axis labels and legend add to the SVG's height
};

/// The chart as an <svg> element (text escaped). A chart with no plottable point says "no data".
std::string svg_line_chart(const LineChart& chart);

/// The fixed series palette ("#1f77b4", ...), cycling after ten.
std::string series_color(size_t index);

}  // namespace segkit::report
