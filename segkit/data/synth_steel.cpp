// Severstal-like steel sheets. Kaggle's current train.csv (`ImageId,ClassId,EncodedPixels`) lists
// only (image, class) pairs with pixels; defect-free images exist in train_images alone, which is
// why data.yaml sets include_unlisted_images.

#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>

#include "segkit/core/atomic_file.h"
#include "segkit/data/synth_internal.h"
#include "segkit/io/image_io.h"
#include "segkit/io/rle.h"

namespace segkit::data {
namespace {

using synth::SynthRng;

constexpr int kClasses = 4;

struct Drawn {
  cv::Mat image;
  std::vector<cv::Mat> planes;
};

// Defect classes get shapes and contrasts far apart, so a tiny model separates them in a few epochs:
// 1 dark pits, 2 bright thin vertical streaks, 3 striated horizontal scratches or regions, 4 large
// dark patches. Small defects are often placed on a large one so that classes overlap, as in the
// real labels.
Drawn draw_steel(int height, int width, bool empty, SynthRng& rng) {
  const double s = height / 128.0;
  cv::Mat grey = synth::value_noise(height, width, 24 * s, 96 * s, rng) * 40.0 + rng.uniform(90.0, 120.0);
  grey += synth::value_noise(height, width, 2, width, rng) * 12.0 - 6.0;  // rolling lines along the sheet
  grey += synth::grain(height, width, 6.0, rng);
  std::vector<cv::Mat> planes(kClasses);
  for (auto& plane : planes) plane = cv::Mat::zeros(height, width, CV_8U);
  if (!empty) {
    const double probability[kClasses] = {0.45, 0.35, 0.5, 0.35};
    bool present[kClasses];
    bool none = true;
    for (int c = 0; c < kClasses; ++c) none &= !(present[c] = rng.chance(probability[c]));
    if (none) present[rng.uniform_int(0, kClasses - 1)] = true;
    std::optional<cv::Point2d> anchor;  // a large defect that small ones may sit on
    if (present[3]) {
      for (int n = rng.uniform_int(1, 2); n > 0; --n) {
        const cv::Point2d center(rng.uniform(0.1, 0.9) * width, rng.uniform(0.3, 0.7) * height);
        synth::draw_blob(planes[3], center, rng.uniform(18, 40) * s, 0.25, rng);
        anchor = center;
      }
    }
    if (present[2]) {
      for (int n = rng.uniform_int(1, 3); n > 0; --n) {
        const cv::Point2d center(rng.uniform(0.2, 0.8) * width, rng.uniform(0.15, 0.85) * height);
        if (rng.chance(0.3)) {
          const cv::Size2d size(rng.uniform(0.15, 0.35) * width, rng.uniform(0.25, 0.5) * height);
          synth::draw_rotated_rect(planes[2], center, size, rng.uniform(-8, 8));
        } else {
          const double half = rng.uniform(0.1, 0.3) * width, rise = rng.uniform(-0.15, 0.15) * height;
          synth::draw_streak(planes[2], center - cv::Point2d(half, rise), center + cv::Point2d(half, rise),
                             static_cast<int>(rng.uniform(3, 8) * s));
        }
        if (!anchor) anchor = center;
      }
    }
    if (present[1]) {
      for (int n = rng.uniform_int(1, 4); n > 0; --n) {
        const bool on_anchor = anchor && rng.chance(0.6);
        const double x = on_anchor ? anchor->x + rng.uniform(-10, 10) * s : rng.uniform(0.05, 0.95) * width;
        const double y = on_anchor ? anchor->y : rng.uniform(0.3, 0.7) * height;
        const double up = rng.uniform(0.2, 0.45) * height, down = rng.uniform(0.2, 0.45) * height;
        const double drift = rng.uniform(-4, 4) * s;
        synth::draw_streak(planes[1], {x - drift, y - up}, {x + drift, y + down}, rng.uniform_int(1, 3));
      }
    }
    if (present[0]) {
      const bool on_anchor = anchor && rng.chance(0.6);
      const cv::Point2d center = on_anchor ? *anchor : cv::Point2d(rng.uniform(0.05, 0.95) * width,
                                                                   rng.uniform(0.2, 0.8) * height);
      const double spread = rng.uniform(10, 40) * s;
      cv::Point2d pit = center;  // the first pit sits on the anchor itself, so the overlap is certain
      for (int n = rng.uniform_int(3, 10); n > 0; --n) {
        synth::draw_blob(planes[0], pit, rng.uniform(2, 5) * s, 0.3, rng);
        pit = {std::clamp(center.x + rng.uniform(-spread, spread), 0.0, width - 1.0),
               std::clamp(center.y + rng.uniform(-spread, spread) * 0.5, 0.0, height - 1.0)};
      }
    }
  }
  cv::Mat striation(height, width, CV_32F);
  for (int x = 0; x < width; ++x) striation.col(x).setTo(0.6 + 0.4 * std::sin(x * 0.9));
  synth::shade(grey, planes[3], -75);
  synth::shade(grey, planes[2], -50, striation);
  synth::shade(grey, planes[1], 75);
  synth::shade(grey, planes[0], -80);
  const cv::Mat channel = synth::to_u8(grey);
  return {synth::merge_planes({channel, channel, channel}), std::move(planes)};
}

}  // namespace

SynthSummary synth_steel(const SynthOptions& options, const std::filesystem::path& out_dir) {
  const SynthOptions o = resolve_synth_options(options, 128, 800, 0.3, 32);
  SynthRng rng(o.seed);
  const auto ids = distinct_ids(o.count, rng, [](SynthRng& r) { return synth::hex_id(r, 9) + ".jpg"; });
  const auto empty = synth::choose_empty(o.count, *o.empty_fraction, rng);
  std::filesystem::create_directories(out_dir / "train_images");
  SynthRecorder recorder(o, {"1", "2", "3", "4"});
  std::ostringstream csv;
  csv << "ImageId,ClassId,EncodedPixels\n";
  for (size_t i = 0; i < ids.size(); ++i) {
    SynthRng image_rng = SynthRng::for_image(o.seed, i);
    const Drawn drawn = draw_steel(o.height, o.width, empty[i], image_rng);
    io::write_image(out_dir / "train_images" / ids[i], drawn.image);
    for (int c = 0; c < kClasses; ++c) {
      if (!synth::any(drawn.planes[c])) continue;
      csv << ids[i] << ',' << c + 1 << ',' << io::encode_kaggle_rle(drawn.planes[c].data, o.height, o.width) << '\n';
    }
    recorder.add(ids[i], drawn.image, drawn.planes);
  }
  write_file_atomic(out_dir / "train.csv", csv.str());
  return recorder.finish(out_dir,
                         "# Synthetic Severstal steel defects (segkit synth --kind steel); paths are relative to this "
                         "folder.\n"
                         "data:\n"
                         "  format: rle_csv\n"
                         "  csv: train.csv\n"
                         "  image_dir: train_images\n"
                         "  classes: [\"1\", \"2\", \"3\", \"4\"]\n"
                         "  encoding: kaggle\n"
                         "  include_unlisted_images: true  # defect-free images are not in train.csv\n");
}

}  // namespace segkit::data
