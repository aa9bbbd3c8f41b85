// PadIfNeeded (declared in crops_resize_pad.h).
#include <sstream>

#include "segkit/core/error.h"
#include "segkit/core/strings.h"
#include "segkit/transforms/crops_resize_pad.h"

namespace segkit::transforms {
namespace {

const std::vector<std::pair<std::string, PadPosition>>& position_table() {
  static const std::vector<std::pair<std::string, PadPosition>> table = {
      {"center", PadPosition::kCenter},
      {"top_left", PadPosition::kTopLeft},
      {"top_right", PadPosition::kTopRight},
      {"bottom_left", PadPosition::kBottomLeft},
      {"bottom_right", PadPosition::kBottomRight},
      {"random", PadPosition::kRandom}};
  return table;
}

// Padding on one axis: (before, after) to reach `minimum`, or to the next multiple of `divisor`.
std::pair<int, int> axis_padding(int size, const std::optional<int>& minimum,
                                 const std::optional<int>& divisor) {
  int total = 0;
  if (minimum) {
    total = std::max(0, *minimum - size);
  } else {
    const int remainder = size % *divisor;
    total = remainder > 0 ? *divisor - remainder : 0;
  }
  return {total / 2, total - total / 2};
}

void check_axis(const std::optional<int>& minimum, const std::optional<int>& divisor,
                const std::string& min_key, const std::string& divisor_key) {
  if (minimum.has_value() == divisor.has_value()) {
    throw ConfigError("set exactly one of '" + min_key + "' and '" + divisor_key + "' (" +
                      (minimum ? "both are set" : "neither is set") + ")");
  }
  if (minimum && *minimum < 1) {
    throw ConfigError(min_key + " must be at least 1, got " + std::to_string(*minimum));
  }
  if (divisor && *divisor < 1) {
    throw ConfigError(divisor_key + " must be at least 1, got " + std::to_string(*divisor));
  }
}

std::string optional_text(const std::optional<int>& value) {
  return value ? std::to_string(*value) : "none";
}

}  // namespace

PadPosition pad_position_from_name(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& [key, value] : position_table()) {
    if (key == name) return value;
    names.push_back(key);
  }
  throw ConfigError("unknown position '" + name + "'" + did_you_mean(name, names) +
                    "; valid positions: " + join(names, ", "));
}

std::string pad_position_name(PadPosition position) {
  for (const auto& [key, value] : position_table()) {
    if (value == position) return key;
  }
  return "";
}

PadIfNeeded::PadIfNeeded(PadIfNeededOptions options)
    : Transform(options.p), options_(std::move(options)) {
  check_axis(options_.min_height, options_.pad_height_divisor, "min_height", "pad_height_divisor");
  check_axis(options_.min_width, options_.pad_width_divisor, "min_width", "pad_width_divisor");
  detail::check_border_mode(options_.border_mode);
}

std::optional<std::array<int, 4>> PadIfNeeded::padding(cv::Size size) const {
  if (options_.position == PadPosition::kRandom) return std::nullopt;
  Rng unused;  // fixed positions draw nothing
  return placed_padding(size, unused);
}

std::array<int, 4> PadIfNeeded::placed_padding(cv::Size size, Rng& rng) const {
  const auto& o = options_;
  auto [top, bottom] = axis_padding(size.height, o.min_height, o.pad_height_divisor);
  auto [left, right] = axis_padding(size.width, o.min_width, o.pad_width_divisor);
  switch (o.position) {
    case PadPosition::kCenter:
      break;
    case PadPosition::kTopLeft:
      bottom += top, top = 0;
      right += left, left = 0;
      break;
    case PadPosition::kTopRight:
      bottom += top, top = 0;
      left += right, right = 0;
      break;
    case PadPosition::kBottomLeft:
      top += bottom, bottom = 0;
      right += left, left = 0;
      break;
    case PadPosition::kBottomRight:
      top += bottom, bottom = 0;
      left += right, right = 0;
      break;
    case PadPosition::kRandom: {
      const int rows = top + bottom;
      const int cols = left + right;
      top = static_cast<int>(rng.uniform_int(0, rows));
      bottom = rows - top;
      left = static_cast<int>(rng.uniform_int(0, cols));
      right = cols - left;
      break;
    }
  }
  return {top, bottom, left, right};
}

void PadIfNeeded::apply(data::Sample& sample, Rng& rng) const {
  const auto& o = options_;
  const auto [top, bottom, left, right] = placed_padding(sample.image.size(), rng);
  if (top == 0 && bottom == 0 && left == 0 && right == 0) return;
  sample.image = detail::pad(sample.image, top, bottom, left, right, o.border_mode, o.value);
  if (sample.has_mask()) {
    sample.mask = detail::pad(sample.mask, top, bottom, left, right, o.border_mode, o.mask_value);
  }
}

std::string PadIfNeeded::describe() const {
  const auto& o = options_;
  std::ostringstream out;
  out << name() << "(min_height=" << optional_text(o.min_height)
      << ", min_width=" << optional_text(o.min_width)
      << ", pad_height_divisor=" << optional_text(o.pad_height_divisor)
      << ", pad_width_divisor=" << optional_text(o.pad_width_divisor)
      << ", position=" << pad_position_name(o.position)
      << ", border_mode=" << detail::border_mode_name(o.border_mode)
      << ", value=" << detail::format_fill(o.value)
      << ", mask_value=" << detail::format_fill(o.mask_value) << ", p=" << p() << ")";
  return out.str();
}

}  // namespace segkit::transforms
