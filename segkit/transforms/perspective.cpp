#include "segkit/transforms/perspective.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>

#include "segkit/core/error.h"

namespace segkit::transforms {
namespace {

// tl, tr, br, bl as albumentations' _order_points: the two leftmost points are the left side, the
// upper of each side comes first.
std::array<cv::Point2f, 4> order_points(std::array<cv::Point2f, 4> points) {
  std::stable_sort(points.begin(), points.end(), [](const cv::Point2f& a, const cv::Point2f& b) { return a.x < b.x; });
  cv::Point2f tl = points[0], bl = points[1], tr = points[2], br = points[3];
  if (!(tl.y < bl.y)) std::swap(tl, bl);
  if (!(tr.y < br.y)) std::swap(tr, br);
  return {tl, tr, br, bl};
}

double distance(const cv::Point2f& a, const cv::Point2f& b) { return std::hypot(a.x - b.x, a.y - b.y); }

cv::Mat warp(const cv::Mat& src, const cv::Mat& matrix, cv::Size size, int interpolation, int border_mode,
             const FillValue& fill) {
  return detail::by_chunks(src, [&](const cv::Mat& chunk, int first_channel) {
    cv::Mat out;
    cv::warpPerspective(chunk, out, matrix, size, interpolation, border_mode, detail::fill_scalar(fill, first_channel));
    return out;
  });
}

}  // namespace

Perspective::Perspective(PerspectiveOptions options) : Transform(options.p), options_(std::move(options)) {
  if (options_.scale.lo < 0 || options_.scale.hi < options_.scale.lo) {
    throw ConfigError("Perspective: scale must be 0 <= lo <= hi, got " + detail::format_range(options_.scale));
  }
  if (options_.fit_output) throw ConfigError("Perspective: fit_output true is not supported; use false");
  detail::check_interpolation(options_.interpolation);
  detail::check_border_mode(options_.pad_mode);
}

void Perspective::apply(data::Sample& sample, Rng& rng) const {
  const int h = sample.image.rows, w = sample.image.cols;
  const double scale = rng.uniform(options_.scale.lo, options_.scale.hi);
  std::array<cv::Point2f, 4> jitter;
  for (auto& point : jitter) {
    const double x = std::fmod(std::abs(rng.normal(0.0, scale)), 0.32);
    const double y = std::fmod(std::abs(rng.normal(0.0, scale)), 0.32);
    point = {static_cast<float>(x), static_cast<float>(y)};
  }
  jitter[1].x = 1.0f - jitter[1].x;  // top right
  jitter[2] = {1.0f - jitter[2].x, 1.0f - jitter[2].y};  // bottom right
  jitter[3].y = 1.0f - jitter[3].y;  // bottom left
  for (auto& point : jitter) point = {point.x * static_cast<float>(w), point.y * static_cast<float>(h)};
  auto [tl, tr, br, bl] = order_points(jitter);

  // The target rectangle: the longer of each pair of opposite sides, widened to at least 2 pixels.
  int max_width = 0, max_height = 0;
  for (;;) {
    const double top = distance(tr, tl), bottom = distance(br, bl);
    max_width = static_cast<int>(std::max(top, bottom));
    const int min_width = static_cast<int>(std::min(top, bottom));
    if (min_width >= 2) break;
    const float step = static_cast<float>((2 - min_width) / 2.0);
    tl.x -= step, tr.x += step, bl.x -= step, br.x += step;
  }
  for (;;) {
    const double right = distance(tr, br), left = distance(tl, bl);
    max_height = static_cast<int>(std::max(right, left));
    const int min_height = static_cast<int>(std::min(right, left));
    if (min_height >= 2) break;
    const float step = static_cast<float>((2 - min_height) / 2.0);
    tl.y -= step, tr.y -= step, bl.y += step, br.y += step;
  }
  const cv::Point2f source[4] = {tl, tr, br, bl};
  const cv::Point2f target[4] = {{0, 0},
                                 {static_cast<float>(max_width), 0},
                                 {static_cast<float>(max_width), static_cast<float>(max_height)},
                                 {0, static_cast<float>(max_height)}};
  const cv::Mat matrix = cv::getPerspectiveTransform(source, target);
  const cv::Size warped_size(max_width, max_height);
  sample.image = warp(sample.image, matrix, warped_size, options_.interpolation, options_.pad_mode, options_.pad_val);
  if (options_.keep_size) sample.image = detail::resize(sample.image, {w, h}, options_.interpolation);
  if (sample.has_mask()) {
    sample.mask = warp(sample.mask, matrix, warped_size, cv::INTER_NEAREST, options_.pad_mode, options_.mask_pad_val);
    if (options_.keep_size) sample.mask = detail::resize(sample.mask, {w, h}, cv::INTER_NEAREST);
  }
}

std::string Perspective::describe() const {
  std::ostringstream out;
  out << name() << "(scale=" << detail::format_range(options_.scale)
      << ", keep_size=" << (options_.keep_size ? "true" : "false")
      << ", pad_mode=" << detail::border_mode_name(options_.pad_mode)
      << ", interpolation=" << detail::interpolation_name(options_.interpolation) << ", p=" << p() << ")";
  return out.str();
}

}  // namespace segkit::transforms
