#include "segkit/report/line_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "segkit/report/chart_axis.h"
#include "segkit/report/html.h"

namespace segkit::report {
namespace {

// Room for y tick labels and the rotated y label on the left, the title on top.
constexpr int kLeft = 64;
constexpr int kRight = 16;
constexpr int kTop = 30;
constexpr int kLegendRow = 18;

std::string px(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

bool plottable(const ChartPoint& p, bool log_y) {
  return std::isfinite(p.x) && std::isfinite(p.y) && (!log_y || p.y > 0);
}

struct Legend {
  std::vector<std::pair<double, int>> positions;  // (x, row) per series
  int rows = 0;
};

// Entries flow left to right and wrap, so twenty classes do not make a chart twenty rows taller.
Legend lay_out_legend(const LineChart& chart) {
  Legend legend;
  double x = kLeft;
  int row = 0;
  for (const auto& series : chart.series) {
    const double entry = 24 + 6.5 * static_cast<double>(series.name.size()) + 12;
    if (x + entry > chart.width - kRight && x > kLeft) {
      x = kLeft;
      ++row;
    }
    legend.positions.emplace_back(x, row);
    x += entry;
  }
  legend.rows = chart.series.empty() ? 0 : row + 1;
  return legend;
}

}  // namespace

std::string series_color(size_t index) {
  static const char* const kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                         "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  return kPalette[index % 10];
}

std::string svg_line_chart(const LineChart& chart) {
  double x_min = std::numeric_limits<double>::infinity(), x_max = -x_min, y_min = x_min, y_max = -x_min;
  for (const auto& series : chart.series) {
    for (const auto& p : series.points) {
      if (!plottable(p, chart.log_y)) continue;
      x_min = std::min(x_min, p.x), x_max = std::max(x_max, p.x);
      y_min = std::min(y_min, p.y), y_max = std::max(y_max, p.y);
    }
  }
  const bool has_data = x_min <= x_max;
  const Axis x_axis = has_data ? linear_axis(x_min, x_max) : linear_axis(0, 1);
  const Axis y_axis = !has_data ? linear_axis(0, 1) : chart.log_y ? log_axis(y_min, y_max) : linear_axis(y_min, y_max);

  const double plot_w = chart.width - kLeft - kRight;
  const double plot_h = chart.plot_height;
  const double bottom = kTop + plot_h;
  const Legend legend = lay_out_legend(chart);
  const int height = static_cast<int>(bottom) + 44 + legend.rows * kLegendRow;
  auto map_x = [&](double x) { return kLeft + x_axis.fraction(x) * plot_w; };
  auto map_y = [&](double y) { return bottom - y_axis.fraction(y) * plot_h; };

  std::ostringstream out;
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"" << chart.width << "\" height=\""
      << height << "\" viewBox=\"0 0 " << chart.width << ' ' << height
      << "\" font-family=\"sans-serif\" font-size=\"11\" role=\"img\" aria-label=\"" << html_escape(chart.title)
      << "\">\n";
  out << "<text x=\"" << px(chart.width / 2.0) << "\" y=\"18\" text-anchor=\"middle\" font-size=\"13\" "
      << "font-weight=\"bold\">" << html_escape(chart.title) << "</text>\n";
  for (double tick : y_axis.ticks) {
    const std::string y = px(map_y(tick));
    out << "<line x1=\"" << kLeft << "\" y1=\"" << y << "\" x2=\"" << px(kLeft + plot_w) << "\" y2=\"" << y
        << "\" stroke=\"#e4e4e4\"/><text x=\"" << kLeft - 4 << "\" y=\"" << y
        << "\" text-anchor=\"end\" dominant-baseline=\"middle\">" << y_axis.label(tick) << "</text>\n";
  }
  for (double tick : x_axis.ticks) {
    const std::string x = px(map_x(tick));
    out << "<line x1=\"" << x << "\" y1=\"" << px(bottom) << "\" x2=\"" << x << "\" y2=\"" << px(bottom + 4)
        << "\" stroke=\"#666\"/><text x=\"" << x << "\" y=\"" << px(bottom + 15) << "\" text-anchor=\"middle\">"
        << x_axis.label(tick) << "</text>\n";
  }
  out << "<rect class=\"plot-box\" x=\"" << kLeft << "\" y=\"" << kTop << "\" width=\"" << px(plot_w)
      << "\" height=\"" << px(plot_h) << "\" fill=\"none\" stroke=\"#666\"/>\n";
  out << "<text x=\"" << px(kLeft + plot_w / 2) << "\" y=\"" << px(bottom + 32) << "\" text-anchor=\"middle\">"
      << html_escape(chart.x_label) << "</text>\n";
  out << "<text transform=\"translate(14 " << px(kTop + plot_h / 2) << ") rotate(-90)\" text-anchor=\"middle\">"
      << html_escape(chart.y_label) << "</text>\n";
  if (!has_data) {
    out << "<text x=\"" << px(kLeft + plot_w / 2) << "\" y=\"" << px(kTop + plot_h / 2)
        << "\" text-anchor=\"middle\" fill=\"#999\">no data</text>\n";
  }

  for (size_t s = 0; s < chart.series.size(); ++s) {
    const auto& series = chart.series[s];
    const std::string color = series_color(s);
    std::ostringstream points;
    size_t count = 0;
    for (const auto& p : series.points) {
      if (!plottable(p, chart.log_y)) continue;
      points << (count++ ? " " : "") << px(map_x(p.x)) << ',' << px(map_y(p.y));
    }
    if (count > 0) {
      out << "<polyline class=\"series\" data-series=\"" << html_escape(series.name) << "\" points=\""
          << points.str() << "\" fill=\"none\" stroke=\"" << color << "\" stroke-width=\"1.5\"/>\n";
    }
    // A single epoch draws no line, so short runs get markers to be visible at all.
    if (count > 0 && count <= 30) {
      for (const auto& p : series.points) {
        if (!plottable(p, chart.log_y)) continue;
        out << "<circle cx=\"" << px(map_x(p.x)) << "\" cy=\"" << px(map_y(p.y)) << "\" r=\"2\" fill=\"" << color
            << "\"/>";
      }
      out << '\n';
    }
    const auto [lx, row] = legend.positions[s];
    const double ly = bottom + 46 + row * kLegendRow;
    out << "<line x1=\"" << px(lx) << "\" y1=\"" << px(ly) << "\" x2=\"" << px(lx + 18) << "\" y2=\"" << px(ly)
        << "\" stroke=\"" << color << "\" stroke-width=\"3\"/><text x=\"" << px(lx + 22) << "\" y=\"" << px(ly)
        << "\" dominant-baseline=\"middle\">" << html_escape(series.name) << (count == 0 ? " (no data)" : "")
        << "</text>\n";
  }
  out << "</svg>\n";
  return out.str();
}

}  // namespace segkit::report
