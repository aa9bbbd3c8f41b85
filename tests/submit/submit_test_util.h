#pragma once
// Helpers shared by the submit tests: synthetic competitions as prediction indexes, mask equality.

#include <opencv2/core.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "segkit/data/synth.h"
#include "segkit/submit/prediction_dir.h"

namespace segkit::submit::testing {

inline data::SynthSummary synth(data::SynthKind kind, const std::filesystem::path& dir, int count = 6) {
  data::SynthOptions options;
  options.kind = kind;
  options.count = count;
  options.keep_samples = true;
  if (kind == data::SynthKind::kSteel) {
    options.height = 32;
    options.width = 200;
  }
  return data::synthesize(options, dir);
}

inline PredictionIndex index_of(const data::SynthSummary& summary) {
  PredictionIndex index;
  index.classes = summary.classes;
  for (const auto& sample : summary.samples)
    index.images.push_back({sample.id, image_stem(sample.id), sample.mask.rows, sample.mask.cols});
  return index;
}

inline bool same_mask(const cv::Mat& a, const cv::Mat& b) {
  if (a.size() != b.size() || a.type() != b.type()) return false;
  cv::Mat diff = (a != b);
  return cv::countNonZero(diff.reshape(1)) == 0;
}

}  // namespace segkit::submit::testing
