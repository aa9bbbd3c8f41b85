// Understanding-Clouds-like satellite scenes: large box-like regions (the real labels were drawn as
// boxes by crowd workers), one texture per cloud pattern, over a dark ocean.

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <sstream>

#include "segkit/core/atomic_file.h"
#include "segkit/data/synth_internal.h"
#include "segkit/io/image_io.h"
#include "segkit/io/rle.h"

namespace segkit::data {
namespace {

using synth::SynthRng;

const std::vector<std::string> kClasses = {"Fish", "Flower", "Gravel", "Sugar"};

struct Drawn {
  cv::Mat image;
  std::vector<cv::Mat> planes;
};

// Jittered grid of filled discs: Flower's puffs (large, sparse) and Gravel's grains (small, dense).
cv::Mat discs(int height, int width, double spacing, double min_radius, double max_radius, SynthRng& rng) {
  cv::Mat pattern(height, width, CV_32F, cv::Scalar(0.25));
  for (double y = spacing / 2; y < height; y += spacing) {
    for (double x = spacing / 2; x < width; x += spacing) {
      const cv::Point center(static_cast<int>(x + rng.uniform(-0.3, 0.3) * spacing),
                             static_cast<int>(y + rng.uniform(-0.3, 0.3) * spacing));
      const int radius = std::max(1, static_cast<int>(std::lround(rng.uniform(min_radius, max_radius))));
      cv::circle(pattern, center, radius, cv::Scalar(1.0), cv::FILLED, cv::LINE_8);
    }
  }
  return pattern;
}

// Fish: parallel bands at a random angle, like the skeletal cloud streets.
cv::Mat bands(int height, int width, double period, SynthRng& rng) {
  const double angle = rng.uniform(0, 3.14159265358979), phase = rng.uniform(0, 6.28318530717959);
  const double cx = std::cos(angle) * 6.28318530717959 / period, cy = std::sin(angle) * 6.28318530717959 / period;
  cv::Mat pattern(height, width, CV_32F);
  for (int y = 0; y < height; ++y) {
    auto* row = pattern.ptr<float>(y);
    for (int x = 0; x < width; ++x) row[x] = std::sin(x * cx + y * cy + phase) > 0.2 ? 1.0f : 0.2f;
  }
  return pattern;
}

Drawn draw_clouds(int height, int width, bool empty, SynthRng& rng) {
  const double s = height / 140.0;
  const cv::Mat noise = synth::value_noise(height, width, 20 * s, 20 * s, rng) * 25.0 +
                        synth::grain(height, width, 5.0, rng);
  cv::Mat image = synth::merge_planes({noise + 25.0, noise + 45.0, noise + 80.0});  // RGB ocean
  std::vector<cv::Mat> planes(kClasses.size());
  for (auto& plane : planes) plane = cv::Mat::zeros(height, width, CV_8U);
  if (!empty) {
    bool none = true;
    std::vector<bool> present(kClasses.size());
    for (size_t c = 0; c < present.size(); ++c) none &= !(present[c] = rng.chance(0.5));
    if (none) present[rng.uniform_int(0, static_cast<int>(present.size()) - 1)] = true;
    for (size_t c = 0; c < present.size(); ++c) {
      if (!present[c]) continue;
      for (int n = rng.uniform_int(1, 2); n > 0; --n) {
        const cv::Point2d center(rng.uniform(0.2, 0.8) * width, rng.uniform(0.2, 0.8) * height);
        const cv::Size2d size(rng.uniform(0.3, 0.7) * width, rng.uniform(0.3, 0.7) * height);
        if (rng.chance(0.7)) {
          synth::draw_rotated_rect(planes[c], center, size, rng.uniform(-10, 10));
        } else {
          synth::draw_ellipse(planes[c], center, size / 2.0, rng.uniform(-10, 10));
        }
      }
    }
  }
  // Patterns are drawn for every image, present or not, so the stream does not depend on the labels.
  const cv::Mat fish = bands(height, width, rng.uniform(6, 9) * s, rng);
  const cv::Mat flower = discs(height, width, 14 * s, 3 * s, 6 * s, rng);
  const cv::Mat gravel = discs(height, width, 5 * s, 0.5, 1.5, rng);
  const cv::Mat sugar = synth::grain(height, width, 0.3, rng) + 0.6;
  synth::shade(image, planes[0], 110, fish);
  synth::shade(image, planes[1], 130, flower);
  synth::shade(image, planes[2], 100, gravel);
  synth::shade(image, planes[3], 70, sugar);
  return {synth::to_u8(image), std::move(planes)};
}

}  // namespace

SynthSummary synth_clouds(const SynthOptions& options, const std::filesystem::path& out_dir) {
  const SynthOptions o = resolve_synth_options(options, 140, 210, 0.1, 32);
  SynthRng rng(o.seed);
  const auto ids = distinct_ids(o.count, rng, [](SynthRng& r) { return synth::hex_id(r, 7) + ".jpg"; });
  const auto empty = synth::choose_empty(o.count, *o.empty_fraction, rng);
  std::filesystem::create_directories(out_dir / "train_images");
  SynthRecorder recorder(o, kClasses);
  std::ostringstream csv;
  csv << "Image_Label,EncodedPixels\n";
  for (size_t i = 0; i < ids.size(); ++i) {
    SynthRng image_rng = SynthRng::for_image(o.seed, i);
    const Drawn drawn = draw_clouds(o.height, o.width, empty[i], image_rng);
    io::write_image(out_dir / "train_images" / ids[i], drawn.image);
    for (size_t c = 0; c < kClasses.size(); ++c) {
      csv << ids[i] << '_' << kClasses[c] << ',' << io::encode_kaggle_rle(drawn.planes[c].data, o.height, o.width)
          << '\n';
    }
    recorder.add(ids[i], drawn.image, drawn.planes);
  }
  write_file_atomic(out_dir / "train.csv", csv.str());
  return recorder.finish(out_dir,
                         "# Synthetic Understanding Clouds scenes (segkit synth --kind clouds); paths are relative "
                         "to this folder.\n"
                         "data:\n"
                         "  format: rle_csv\n"
                         "  csv: train.csv\n"
                         "  image_dir: train_images\n"
                         "  classes: [Fish, Flower, Gravel, Sugar]\n"
                         "  encoding: kaggle\n");
}

}  // namespace segkit::data
