#pragma once
// Axis ranges and ticks for the report's charts. Linear axes round outwards to "nice" steps (1, 2, 5
// times a power of ten) so tick labels are short; log axes span whole decades, so learning rates that
// differ by 10x between parameter groups sit a fixed distance apart.
//
//   Axis y = linear_axis(0.13, 0.87);   // [0, 1], ticks 0, 0.2, ..., 1
//   double f = y.fraction(0.5);          // 0.5: where 0.5 lies between lo and hi

#include <string>
#include <vector>

namespace segkit::report {

struct Axis {
  double lo = 0;
  double hi = 1;
  bool log = false;
  std::vector<double> ticks;  // values (not exponents), lo..hi inclusive

  /// 0 at lo, 1 at hi; on a log axis, in decades.
  double fraction(double value) const;
  /// Tick label: "%g" for linear ticks; 0.001 ... 1000, else 1e-5, for decades.
  std::string label(double tick) const;
};

/// Covers [min, max] (finite, min <= max) with about five nice steps; a single value gets a margin.
Axis linear_axis(double min, double max);

/// Covers [min, max] (both > 0) with whole decades, at least one; at most about six labelled ticks.
Axis log_axis(double min, double max);

}  // namespace segkit::report
