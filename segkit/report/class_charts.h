#pragma once
// Multiclass charts for the report, inline SVG like line_chart.h:
//   svg_confusion_matrix  rows = true class, columns = predicted class; each cell's shade is its
//                         share of the row (the class's recall where the row meets the diagonal),
//                         its text the percentage; the row's pixel count at the right
//   svg_class_bars        one horizontal bar per class (e.g. the best epoch's IoU), values in [0, 1];
//                         NaN (a class seen nowhere) is drawn as "n/a"
//
//   std::string svg = svg_confusion_matrix({"sky", "road"}, {{90, 10}, {5, 95}});

#include <cstdint>
#include <string>
#include <vector>

namespace segkit::report {

/// ShapeError unless `counts` is names.size() rows of names.size() counts.
std::string svg_confusion_matrix(const std::vector<std::string>& names, const std::vector<std::vector<int64_t>>& counts);

std::string svg_class_bars(const std::string& title, const std::vector<std::string>& names,
                           const std::vector<double>& values);

}  // namespace segkit::report
