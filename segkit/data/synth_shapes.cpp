#include "segkit/data/synth_shapes.h"

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <numeric>

#include "segkit/core/error.h"

namespace segkit::data::synth {
namespace {

constexpr double kPi = 3.14159265358979323846;

uint64_t splitmix64(uint64_t x) {
  uint64_t z = x + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

cv::Point rounded(cv::Point2d p) {
  return {static_cast<int>(std::lround(p.x)), static_cast<int>(std::lround(p.y))};
}

}  // namespace

SynthRng SynthRng::for_image(uint64_t seed, uint64_t index) {
  return SynthRng(splitmix64(splitmix64(seed) ^ index));
}

double SynthRng::uniform(double a, double b) {
  const double u = static_cast<double>(engine_() >> 11) * (1.0 / 9007199254740992.0);
  return a + (b - a) * u;
}

int SynthRng::uniform_int(int a, int b) {
  if (b < a) throw Error("SynthRng::uniform_int: empty range");
  const uint64_t span = static_cast<uint64_t>(static_cast<int64_t>(b) - a) + 1;
  // Rejection keeps the modulo unbiased.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % span;
  uint64_t draw = engine_();
  while (draw >= limit) draw = engine_();
  return static_cast<int>(a + static_cast<int64_t>(draw % span));
}

std::string hex_id(SynthRng& rng, int digits) {
  static const char* kHex = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < digits; ++i) id += kHex[rng.next() >> 60];
  return id;
}

std::vector<bool> choose_empty(int count, double fraction, SynthRng& rng) {
  std::vector<size_t> order(static_cast<size_t>(count));
  std::iota(order.begin(), order.end(), 0);
  // Fisher-Yates from raw draws: std::shuffle's algorithm is implementation-defined.
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.next() % i]);
  const auto empty = static_cast<size_t>(std::lround(count * fraction));
  std::vector<bool> marks(order.size(), false);
  for (size_t i = 0; i < empty; ++i) marks[order[i]] = true;
  return marks;
}

cv::Mat value_noise(int height, int width, double cell_y, double cell_x, SynthRng& rng) {
  const int rows = static_cast<int>(std::ceil(height / cell_y)) + 2;
  const int cols = static_cast<int>(std::ceil(width / cell_x)) + 2;
  cv::Mat grid(rows, cols, CV_32F);
  for (int y = 0; y < rows; ++y) {
    for (int x = 0; x < cols; ++x) grid.at<float>(y, x) = static_cast<float>(rng.uniform());
  }
  cv::Mat big;
  cv::resize(grid, big, cv::Size(static_cast<int>(cols * cell_x), static_cast<int>(rows * cell_y)), 0, 0,
             cv::INTER_CUBIC);
  cv::Mat noise = big(cv::Rect(0, 0, width, height)).clone();
  cv::min(cv::max(noise, 0.0), 1.0, noise);  // bicubic overshoots a little
  return noise;
}

cv::Mat grain(int height, int width, double amplitude, SynthRng& rng) {
  cv::Mat noise(height, width, CV_32F);
  for (int y = 0; y < height; ++y) {
    auto* row = noise.ptr<float>(y);
    for (int x = 0; x < width; ++x) row[x] = static_cast<float>(rng.uniform(-amplitude, amplitude));
  }
  return noise;
}

void draw_blob(cv::Mat& mask, cv::Point2d center, double radius, double jitter, SynthRng& rng) {
  const int vertices = rng.uniform_int(9, 15);
  std::vector<cv::Point> polygon;
  for (int i = 0; i < vertices; ++i) {
    const double angle = 2.0 * kPi * i / vertices;
    const double r = radius * (1.0 + jitter * rng.uniform(-1.0, 1.0));
    polygon.push_back(rounded(center + cv::Point2d(r * std::cos(angle), r * std::sin(angle))));
  }
  cv::fillPoly(mask, std::vector<std::vector<cv::Point>>{polygon}, cv::Scalar(1), cv::LINE_8);
}

void draw_ellipse(cv::Mat& mask, cv::Point2d center, cv::Size2d half_axes, double angle_degrees) {
  const cv::Size axes(std::max(1, static_cast<int>(std::lround(half_axes.width))),
                      std::max(1, static_cast<int>(std::lround(half_axes.height))));
  cv::ellipse(mask, rounded(center), axes, angle_degrees, 0, 360, cv::Scalar(1), cv::FILLED, cv::LINE_8);
}

void draw_streak(cv::Mat& mask, cv::Point2d from, cv::Point2d to, int thickness) {
  cv::line(mask, rounded(from), rounded(to), cv::Scalar(1), std::max(1, thickness), cv::LINE_8);
}

void draw_rotated_rect(cv::Mat& mask, cv::Point2d center, cv::Size2d size, double angle_degrees) {
  cv::Point2f corners[4];
  cv::RotatedRect(cv::Point2f(center), cv::Size2f(size), static_cast<float>(angle_degrees)).points(corners);
  std::vector<cv::Point> polygon;
  for (const auto& corner : corners) polygon.push_back(rounded(corner));
  cv::fillPoly(mask, std::vector<std::vector<cv::Point>>{polygon}, cv::Scalar(1), cv::LINE_8);
}

void shade(cv::Mat& image, const cv::Mat& mask, double delta, const cv::Mat& pattern) {
  if (image.depth() != CV_32F || mask.size() != image.size()) throw ShapeError("synth::shade: bad image or mask");
  const int channels = image.channels();
  for (int y = 0; y < image.rows; ++y) {
    auto* pixel = image.ptr<float>(y);
    const auto* inside = mask.ptr<uint8_t>(y);
    const float* weight = pattern.empty() ? nullptr : pattern.ptr<float>(y);
    for (int x = 0; x < image.cols; ++x) {
      if (!inside[x]) continue;
      const auto amount = static_cast<float>(delta * (weight ? weight[x] : 1.0f));
      for (int c = 0; c < channels; ++c) pixel[x * channels + c] += amount;
    }
  }
}

cv::Mat to_u8(const cv::Mat& image) {
  cv::Mat out;
  image.convertTo(out, CV_MAKETYPE(CV_8U, image.channels()));
  return out;
}

cv::Mat merge_planes(const std::vector<cv::Mat>& planes) {
  cv::Mat merged;
  cv::merge(planes, merged);
  return merged;
}

bool any(const cv::Mat& plane) { return cv::countNonZero(plane) > 0; }

}  // namespace segkit::data::synth
