// SIIM-ACR-like chest radiographs: body, two lungs with vessel markings, heart, spine and ribs. A
// pneumothorax is the crescent between the chest wall and a collapsed lung: dark, without
// markings, bounded by a bright pleural line, which is what radiologists (and models) look for.

#include <opencv2/imgproc.hpp>

#include <sstream>

#include "segkit/core/atomic_file.h"
#include "segkit/data/synth_internal.h"
#include "segkit/io/image_io.h"
#include "segkit/io/rle.h"

namespace segkit::data {
namespace {

using synth::SynthRng;

struct Drawn {
  cv::Mat image;
  cv::Mat mask;                  // union of the regions
  std::vector<cv::Mat> regions;  // one CSV row each, as the real file lists them
};

cv::Mat zeros(int height, int width) { return cv::Mat::zeros(height, width, CV_8U); }

Drawn draw_chest(int height, int width, bool empty, SynthRng& rng) {
  const auto at = [&](double fx, double fy) { return cv::Point2d(fx * width, fy * height); };
  const auto half = [&](double fx, double fy) { return cv::Size2d(fx * width, fy * height); };
  cv::Mat grey = cv::Mat(height, width, CV_32F, cv::Scalar(15)) + synth::grain(height, width, 4, rng);
  cv::Mat body = zeros(height, width);
  synth::draw_ellipse(body, at(0.5, 0.56), half(rng.uniform(0.43, 0.48), 0.52), 0);
  synth::shade(grey, body, rng.uniform(110, 130));

  const cv::Mat vessels = synth::value_noise(height, width, 5, 5, rng);
  cv::Mat lungs[2];
  cv::Point2d centers[2];
  cv::Size2d axes[2];
  double tilt[2];
  for (int side = 0; side < 2; ++side) {
    const double sign = side == 0 ? -1.0 : 1.0;
    centers[side] = at(0.5 + sign * rng.uniform(0.18, 0.22), rng.uniform(0.43, 0.47));
    axes[side] = half(rng.uniform(0.13, 0.16), rng.uniform(0.27, 0.32));
    tilt[side] = -sign * rng.uniform(4, 10);
    lungs[side] = zeros(height, width);
    synth::draw_ellipse(lungs[side], centers[side], axes[side], tilt[side]);
    synth::shade(grey, lungs[side], -85);
    synth::shade(grey, lungs[side], 40, vessels);
  }
  cv::Mat heart = zeros(height, width);
  synth::draw_ellipse(heart, at(rng.uniform(0.54, 0.58), rng.uniform(0.6, 0.64)), half(0.13, 0.11), 0);
  synth::shade(grey, heart, 70);

  Drawn drawn{cv::Mat(), zeros(height, width), {}};
  if (!empty) {
    const int first = rng.uniform_int(0, 1);
    const bool both = rng.chance(0.35);
    for (int side = 0; side < 2; ++side) {
      if (side != first && !both) continue;
      // The collapsed lung shrinks towards the hilum (medially and down), leaving a lateral and
      // apical crescent of air.
      const double shrink = rng.uniform(0.55, 0.85), toward = side == 0 ? 1.0 : -1.0;
      const cv::Size2d inner_axes = axes[side] * shrink;
      const cv::Point2d inner_center = centers[side] + cv::Point2d(toward * (axes[side].width - inner_axes.width) * 0.8,
                                                                   (axes[side].height - inner_axes.height) * 0.6);
      cv::Mat inner = zeros(height, width);
      synth::draw_ellipse(inner, inner_center, inner_axes, tilt[side]);
      const cv::Mat region = lungs[side] & ~inner;
      if (!synth::any(region)) continue;
      synth::shade(grey, region, -40, vessels);  // no markings in the air space
      synth::shade(grey, region, -20);
      cv::Mat pleura = zeros(height, width);
      cv::ellipse(pleura, cv::Point(inner_center), cv::Size(inner_axes), tilt[side], 0, 360, cv::Scalar(1), 1);
      synth::shade(grey, pleura & lungs[side], 45);
      drawn.regions.push_back(region);
      drawn.mask |= region;
    }
  }
  cv::Mat bones = zeros(height, width);
  cv::rectangle(bones, at(0.475, 0.08), at(0.525, 1.0), cv::Scalar(1), cv::FILLED);
  const int rib_thickness = std::max(1, static_cast<int>(2.0 * height / 256));
  for (double y = rng.uniform(0.16, 0.2); y < 0.8; y += rng.uniform(0.065, 0.08)) {
    for (int side = 0; side < 2; ++side) {
      const double start = side == 0 ? 180.0 : 270.0;  // each rib curves from the spine down and out
      cv::ellipse(bones, cv::Point(at(0.5, y)), cv::Size(half(0.34, 0.07)), 0, start, start + 90, cv::Scalar(1),
                  rib_thickness);
    }
  }
  synth::shade(grey, bones, 25);
  drawn.image = synth::to_u8(grey);
  return drawn;
}

std::string siim_uid(SynthRng& rng) {
  // The SIIM images' DICOM UIDs: a fixed root, a study number, a timestamp and a random suffix.
  return "1.2.276.0.7230010.3.1.4.8323329." + std::to_string(rng.uniform_int(1000, 32999)) + ".15178" +
         std::to_string(rng.uniform_int(75000, 99999)) + "." + std::to_string(rng.uniform_int(100000, 999999));
}

}  // namespace

SynthSummary synth_pneumo(const SynthOptions& options, const std::filesystem::path& out_dir) {
  const SynthOptions o = resolve_synth_options(options, 256, 256, 0.7, 64);
  SynthRng rng(o.seed);
  const auto ids = distinct_ids(o.count, rng, siim_uid);
  const auto empty = synth::choose_empty(o.count, *o.empty_fraction, rng);
  std::filesystem::create_directories(out_dir / "train_png");
  SynthRecorder recorder(o, {"pneumothorax"});
  std::ostringstream csv;
  csv << "ImageId, EncodedPixels\n";  // with the space, as SIIM's train-rle.csv
  for (size_t i = 0; i < ids.size(); ++i) {
    SynthRng image_rng = SynthRng::for_image(o.seed, i);
    const Drawn drawn = draw_chest(o.height, o.width, empty[i], image_rng);
    io::write_image(out_dir / "train_png" / (ids[i] + ".png"), drawn.image);
    if (drawn.regions.empty()) csv << ids[i] << ", -1\n";
    for (const auto& region : drawn.regions) {
      csv << ids[i] << ", " << io::encode_siim_rle(region.data, o.height, o.width) << '\n';
    }
    recorder.add(ids[i], drawn.image, {drawn.mask});
  }
  write_file_atomic(out_dir / "train-rle.csv", csv.str());
  return recorder.finish(out_dir,
                         "# Synthetic SIIM-ACR pneumothorax radiographs (segkit synth --kind pneumo); paths are "
                         "relative to this folder.\n"
                         "data:\n"
                         "  format: rle_csv\n"
                         "  csv: train-rle.csv\n"
                         "  image_dir: train_png\n"
                         "  classes: [pneumothorax]\n"
                         "  encoding: siim\n"
                         "  image_extension: .png\n");
}

}  // namespace segkit::data
