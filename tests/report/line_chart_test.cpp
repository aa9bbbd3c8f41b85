#include "segkit/report/line_chart.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <regex>
#include <string>
#include <vector>

#include "segkit/report/chart_axis.h"

namespace segkit::report {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Box {
  double x, y, w, h;
};

Box plot_box(const std::string& svg) {
  std::smatch m;
  const std::regex re(R"re(<rect class="plot-box" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)")re");
  EXPECT_TRUE(std::regex_search(svg, m, re)) << svg;
  return {std::stod(m[1]), std::stod(m[2]), std::stod(m[3]), std::stod(m[4])};
}

// The points of every <polyline>, in document order.
std::vector<std::vector<ChartPoint>> polylines(const std::string& svg) {
  std::vector<std::vector<ChartPoint>> lines;
  const std::regex line_re(R"re(<polyline[^>]* points="([^"]*)")re");
  const std::regex point_re(R"re((-?[\d.]+),(-?[\d.]+))re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), line_re); it != std::sregex_iterator(); ++it) {
    const std::string points = (*it)[1];
    std::vector<ChartPoint> line;
    for (auto p = std::sregex_iterator(points.begin(), points.end(), point_re); p != std::sregex_iterator(); ++p) {
      line.push_back({std::stod((*p)[1]), std::stod((*p)[2])});
    }
    lines.push_back(line);
  }
  return lines;
}

TEST(LineChart, OnePolylinePerSeriesMappedIntoThePlotBox) {
  LineChart chart;
  chart.title = "dice";
  chart.x_label = "epoch";
  chart.y_label = "dice";
  chart.series = {{"train", {{0, 0}, {5, 0.5}, {10, 1}}}, {"val", {{0, 1}, {5, kNaN}, {10, 0}}}};
  const std::string svg = svg_line_chart(chart);

  const auto lines = polylines(svg);
  ASSERT_EQ(lines.size(), 2u);
  ASSERT_EQ(lines[0].size(), 3u);
  ASSERT_EQ(lines[1].size(), 2u) << "the NaN point is skipped";
  const Box box = plot_box(svg);
  // Data ranges [0, 10] x [0, 1] are already nice, so they span the box exactly.
  EXPECT_NEAR(lines[0][0].x, box.x, 0.06);
  EXPECT_NEAR(lines[0][0].y, box.y + box.h, 0.06);
  EXPECT_NEAR(lines[0][1].x, box.x + box.w / 2, 0.06);
  EXPECT_NEAR(lines[0][1].y, box.y + box.h / 2, 0.06);
  EXPECT_NEAR(lines[0][2].x, box.x + box.w, 0.06);
  EXPECT_NEAR(lines[0][2].y, box.y, 0.06);
  EXPECT_NEAR(lines[1][0].y, box.y, 0.06);
  EXPECT_NEAR(lines[1][1].x, box.x + box.w, 0.06);
  for (const char* text : {">dice<", ">epoch<", ">train<", ">val<"}) {
    EXPECT_NE(svg.find(text), std::string::npos) << text;
  }
}

TEST(LineChart, AxesHaveTicksWithLabels) {
  LineChart chart;
  chart.series = {{"loss", {{1, 0.13}, {2, 0.87}}}};
  const std::string svg = svg_line_chart(chart);
  for (const char* label : {">0<", ">0.2<", ">0.8<", ">1<"}) EXPECT_NE(svg.find(label), std::string::npos) << label;
}

TEST(LineChart, LogScaleSpacesDecadesEvenly) {
  LineChart chart;
  chart.log_y = true;
  chart.series = {{"encoder", {{1, 1e-4}, {2, 1e-3}, {3, 1e-2}, {4, 0.0}}}};
  const std::string svg = svg_line_chart(chart);
  const auto lines = polylines(svg);
  ASSERT_EQ(lines.size(), 1u);
  ASSERT_EQ(lines[0].size(), 3u) << "0 has no place on a log axis";
  const double decade = lines[0][0].y - lines[0][1].y;
  EXPECT_GT(decade, 10);  // larger values are higher up
  EXPECT_NEAR(lines[0][1].y - lines[0][2].y, decade, 0.15);
  const Box box = plot_box(svg);
  EXPECT_NEAR(lines[0][0].y, box.y + box.h, 0.06);
  EXPECT_NEAR(lines[0][2].y, box.y, 0.06);
  EXPECT_NE(svg.find(">0.001<"), std::string::npos);
  EXPECT_NE(svg.find(">1e-4<"), std::string::npos);
}

TEST(LineChart, SeriesWithoutDataAndEmptyChart) {
  LineChart chart;
  chart.series = {{"val", {{1, kNaN}}}};
  const std::string svg = svg_line_chart(chart);
  EXPECT_TRUE(polylines(svg).empty());
  EXPECT_NE(svg.find("no data"), std::string::npos);
  EXPECT_NE(svg.find("val (no data)"), std::string::npos);
}

TEST(LineChart, TextIsEscaped) {
  LineChart chart;
  chart.title = "a<b";
  chart.series = {{"<script>", {{0, 1}}}};
  const std::string svg = svg_line_chart(chart);
  EXPECT_EQ(svg.find("<script>"), std::string::npos);
  EXPECT_NE(svg.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(svg.find("a&lt;b"), std::string::npos);
}

TEST(ChartAxis, LinearRoundsOutwardsToNiceSteps) {
  const Axis axis = linear_axis(0.13, 0.87);
  EXPECT_DOUBLE_EQ(axis.lo, 0.0);
  EXPECT_DOUBLE_EQ(axis.hi, 1.0);
  EXPECT_EQ(axis.ticks.size(), 6u);
  EXPECT_EQ(axis.label(axis.ticks[3]), "0.6");
  EXPECT_DOUBLE_EQ(axis.fraction(0.25), 0.25);
  const Axis flat = linear_axis(3, 3);
  EXPECT_LT(flat.lo, 3);
  EXPECT_GT(flat.hi, 3);
}

TEST(ChartAxis, LogCoversWholeDecades) {
  const Axis axis = log_axis(3e-5, 2e-3);
  EXPECT_DOUBLE_EQ(axis.lo, 1e-5);
  EXPECT_DOUBLE_EQ(axis.hi, 1e-2);
  EXPECT_EQ(axis.ticks.size(), 4u);
  EXPECT_NEAR(axis.fraction(1e-4), 1.0 / 3, 1e-12);
  EXPECT_EQ(axis.label(1e-5), "1e-5");
  const Axis one = log_axis(1e-3, 1e-3);
  EXPECT_LT(one.lo, one.hi);
}

}  // namespace
}  // namespace segkit::report
