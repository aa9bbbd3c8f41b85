#pragma once
// Drawing kit of the synthetic datasets (synth.h): a portable random stream, textures, and shapes
// rasterised into 0/1 masks. The image is always painted from the mask that is stored, so the
// labels are exact by construction. Internal to the data room.

#include <opencv2/core.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace segkit::data::synth {

// transforms::Rng does the same, but transforms depends on data, so data keeps its own copy. Draws
// come from the raw engine output, never std::*_distribution, whose results differ between
// standard libraries.
class SynthRng {
 public:
  explicit SynthRng(uint64_t seed) : engine_(seed) {}
  /// An independent stream for image `index`, so an image does not depend on how many precede it.
  static SynthRng for_image(uint64_t seed, uint64_t index);
  /// Uniform in [a, b).
  double uniform(double a = 0.0, double b = 1.0);
  /// Uniform integer in [a, b], both inclusive; a <= b.
  int uniform_int(int a, int b);
  bool chance(double p) { return uniform() < p; }
  uint64_t next() { return engine_(); }

 private:
  std::mt19937_64 engine_;
};

/// `digits` lower-case hex digits (Severstal and Clouds image ids).
std::string hex_id(SynthRng& rng, int digits);

/// Exactly round(count * fraction) images marked empty, chosen by a portable shuffle.
std::vector<bool> choose_empty(int count, double fraction, SynthRng& rng);

/// Smooth noise in [0, 1], CV_32F: a random grid with one node every cell_y x cell_x pixels,
/// upsampled bicubically.
cv::Mat value_noise(int height, int width, double cell_y, double cell_x, SynthRng& rng);
/// Per-pixel noise uniform in [-amplitude, amplitude], CV_32F.
cv::Mat grain(int height, int width, double amplitude, SynthRng& rng);

// Shapes are ORed into `mask` (CV_8U) with value 1.
/// A star-shaped polygon: `radius` with every vertex jittered by up to +-jitter * radius.
void draw_blob(cv::Mat& mask, cv::Point2d center, double radius, double jitter, SynthRng& rng);
void draw_ellipse(cv::Mat& mask, cv::Point2d center, cv::Size2d half_axes, double angle_degrees);
void draw_streak(cv::Mat& mask, cv::Point2d from, cv::Point2d to, int thickness);
void draw_rotated_rect(cv::Mat& mask, cv::Point2d center, cv::Size2d size, double angle_degrees);

/// image (CV_32FC1 or C3) += delta * pattern where mask is set; pattern empty means 1 everywhere.
void shade(cv::Mat& image, const cv::Mat& mask, double delta, const cv::Mat& pattern = cv::Mat());
/// Rounds and saturates a float image to CV_8U.
cv::Mat to_u8(const cv::Mat& image);
/// H x W x K mask from K single-channel planes.
cv::Mat merge_planes(const std::vector<cv::Mat>& planes);
bool any(const cv::Mat& plane);

}  // namespace segkit::data::synth
