#include "segkit/report/class_charts.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "segkit/core/error.h"
#include "segkit/report/html.h"

namespace segkit::report {
namespace {

constexpr int kCell = 34;
constexpr int kLabelWidth = 96;

std::string svg_open(int width, int height, const std::string& label) {
  std::ostringstream out;
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"" << width << "\" height=\"" << height
      << "\" viewBox=\"0 0 " << width << ' ' << height
      << "\" font-family=\"sans-serif\" font-size=\"11\" role=\"img\" aria-label=\"" << html_escape(label) << "\">\n";
  return out.str();
}

// White to the report's blue as `share` goes from 0 to 1.
std::string shade(double share) {
  const auto channel = [&](int full) { return static_cast<int>(std::lround(255 - (255 - full) * share)); };
  std::ostringstream out;
  out << "rgb(" << channel(31) << ',' << channel(119) << ',' << channel(180) << ')';
  return out.str();
}

}  // namespace

std::string svg_confusion_matrix(const std::vector<std::string>& names, const std::vector<std::vector<int64_t>>& counts) {
  const int k = static_cast<int>(names.size());
  if (counts.size() != names.size()) throw ShapeError("confusion matrix: one row per class expected");
  for (const auto& row : counts) {
    if (row.size() != names.size()) throw ShapeError("confusion matrix: one column per class expected");
  }
  const int top = 30 + kLabelWidth, left = kLabelWidth + 20;
  const int width = left + k * kCell + 90, height = top + k * kCell + 30;
  std::ostringstream out;
  out << svg_open(width, height, "confusion matrix");
  out << "<text x=\"" << left + k * kCell / 2 << "\" y=\"16\" text-anchor=\"middle\" font-size=\"13\" "
      << "font-weight=\"bold\">predicted class &#8594;</text>\n";
  out << "<text transform=\"translate(12 " << top + k * kCell / 2 << ") rotate(-90)\" text-anchor=\"middle\" "
      << "font-size=\"13\" font-weight=\"bold\">true class &#8594;</text>\n";
  for (int j = 0; j < k; ++j) {
    out << "<text transform=\"translate(" << left + j * kCell + kCell / 2 + 4 << ' ' << top - 6
        << ") rotate(-60)\">" << html_escape(names[static_cast<size_t>(j)]) << "</text>\n";
  }
  for (int i = 0; i < k; ++i) {
    const auto& row = counts[static_cast<size_t>(i)];
    int64_t total = 0;
    for (int64_t value : row) total += value;
    const int y = top + i * kCell;
    out << "<text x=\"" << left - 6 << "\" y=\"" << y + kCell / 2 << "\" text-anchor=\"end\" "
        << "dominant-baseline=\"middle\">" << html_escape(names[static_cast<size_t>(i)]) << "</text>\n";
    for (int j = 0; j < k; ++j) {
      const double share = total == 0 ? 0.0 : static_cast<double>(row[static_cast<size_t>(j)]) / static_cast<double>(total);
      const int x = left + j * kCell;
      out << "<rect class=\"cell\" x=\"" << x << "\" y=\"" << y << "\" width=\"" << kCell << "\" height=\"" << kCell
          << "\" fill=\"" << shade(share) << "\" stroke=\"" << (i == j ? "#222" : "#ddd") << "\"><title>"
          << html_escape(names[static_cast<size_t>(i)]) << " predicted as " << html_escape(names[static_cast<size_t>(j)])
          << ": " << row[static_cast<size_t>(j)] << " pixels</title></rect>";
      if (share >= 0.005) {
        out << "<text x=\"" << x + kCell / 2 << "\" y=\"" << y + kCell / 2 << "\" text-anchor=\"middle\" "
            << "dominant-baseline=\"middle\" font-size=\"10\" fill=\"" << (share > 0.55 ? "#fff" : "#222") << "\">"
            << std::lround(share * 100) << "</text>";
      }
    }
    out << "<text x=\"" << left + k * kCell + 6 << "\" y=\"" << y + kCell / 2 << "\" dominant-baseline=\"middle\" "
        << "fill=\"#666\">" << total << "</text>\n";
  }
  out << "<text x=\"" << left << "\" y=\"" << top + k * kCell + 20 << "\" fill=\"#666\">% of each true class's "
      << "pixels; right: pixels of the class (void excluded)</text>\n</svg>\n";
  return out.str();
}

std::string svg_class_bars(const std::string& title, const std::vector<std::string>& names,
                           const std::vector<double>& values) {
  if (values.size() != names.size()) throw ShapeError("class bars: one value per class expected");
  constexpr int kRow = 18, kBar = 260;
  const int left = kLabelWidth + 10, top = 30;
  const int width = left + kBar + 60, height = top + static_cast<int>(names.size()) * kRow + 10;
  std::ostringstream out;
  out << svg_open(width, height, title);
  out << "<text x=\"" << width / 2 << "\" y=\"18\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">"
      << html_escape(title) << "</text>\n";
  for (size_t k = 0; k < names.size(); ++k) {
    const int y = top + static_cast<int>(k) * kRow;
    out << "<text x=\"" << left - 6 << "\" y=\"" << y + kRow / 2 << "\" text-anchor=\"end\" "
        << "dominant-baseline=\"middle\">" << html_escape(names[k]) << "</text>";
    if (std::isnan(values[k])) {
      out << "<text x=\"" << left + 4 << "\" y=\"" << y + kRow / 2 << "\" dominant-baseline=\"middle\" fill=\"#999\">"
          << "n/a</text>\n";
      continue;
    }
    const double value = std::clamp(values[k], 0.0, 1.0);
    out << "<rect class=\"bar\" x=\"" << left << "\" y=\"" << y + 2 << "\" width=\""
        << static_cast<int>(std::lround(value * kBar)) << "\" height=\"" << kRow - 4 << "\" fill=\"#1f77b4\"/>"
        << "<text x=\"" << left + static_cast<int>(std::lround(value * kBar)) + 4 << "\" y=\"" << y + kRow / 2
        << "\" dominant-baseline=\"middle\">" << format_number(values[k]) << "</text>\n";
  }
  out << "</svg>\n";
  return out.str();
}

}  // namespace segkit::report
