#include "segkit/report/chart_axis.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace segkit::report {
namespace {

double nice_step(double raw) {
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / magnitude;
  const double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  return nice * magnitude;
}

}  // namespace

double Axis::fraction(double value) const {
  if (log) return (std::log10(value) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
  return (value - lo) / (hi - lo);
}

std::string Axis::label(double tick) const {
  char buffer[32];
  if (log) {
    const int exponent = static_cast<int>(std::lround(std::log10(tick)));
    if (exponent >= -3 && exponent <= 3) {
      std::snprintf(buffer, sizeof buffer, "%g", std::pow(10.0, exponent));
    } else {
      std::snprintf(buffer, sizeof buffer, "1e%d", exponent);
    }
  } else {
    std::snprintf(buffer, sizeof buffer, "%.6g", tick);
  }
  return buffer;
}

Axis linear_axis(double min, double max) {
  if (max - min <= std::abs(max) * 1e-12) {
    // A flat curve (a constant learning rate, a metric stuck at 0) still needs a visible range.
    const double margin = min == 0 ? 1.0 : std::abs(min) * 0.1;
    min -= margin;
    max += margin;
  }
  const double step = nice_step((max - min) / 5);
  Axis axis;
  axis.lo = std::floor(min / step) * step;
  axis.hi = std::ceil(max / step) * step;
  const long count = std::lround((axis.hi - axis.lo) / step);
  for (long i = 0; i <= count; ++i) {
    const double tick = axis.lo + static_cast<double>(i) * step;
    axis.ticks.push_back(std::abs(tick) < step * 1e-9 ? 0.0 : tick);  // no "-1.4e-17" labels
  }
  return axis;
}

Axis log_axis(double min, double max) {
  int low = static_cast<int>(std::floor(std::log10(min) + 1e-9));
  int high = static_cast<int>(std::ceil(std::log10(max) - 1e-9));
  if (high <= low) high = low + 1;
  Axis axis;
  axis.log = true;
  axis.lo = std::pow(10.0, low);
  axis.hi = std::pow(10.0, high);
  const int every = std::max(1, (high - low + 5) / 6);
  for (int e = low; e <= high; e += every) axis.ticks.push_back(std::pow(10.0, e));
  return axis;
}

}  // namespace segkit::report
