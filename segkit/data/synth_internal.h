#pragma once
// What the per-kind generators (synth_<kind>.cpp) share with the dispatcher in synth.cpp.

#include <opencv2/core.hpp>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "segkit/data/synth.h"
#include "segkit/data/synth_shapes.h"

namespace segkit::data {

SynthSummary synth_steel(const SynthOptions& options, const std::filesystem::path& out_dir);
SynthSummary synth_clouds(const SynthOptions& options, const std::filesystem::path& out_dir);
SynthSummary synth_pneumo(const SynthOptions& options, const std::filesystem::path& out_dir);
SynthSummary synth_buildings(const SynthOptions& options, const std::filesystem::path& out_dir);

/// `options` with the kind's defaults filled in; ConfigError for a count below 1, a size below
/// `min_size` on either side, or an empty fraction outside [0, 1].
SynthOptions resolve_synth_options(const SynthOptions& options, int default_height, int default_width,
                                   double default_empty_fraction, int min_size);

/// `count` distinct ids from `draw`, sorted as the competitions' CSVs are.
std::vector<std::string> distinct_ids(int count, synth::SynthRng& rng,
                                      const std::function<std::string(synth::SynthRng&)>& draw);

/// Builds the summary image by image.
class SynthRecorder {
 public:
  SynthRecorder(const SynthOptions& options, std::vector<std::string> classes);
  /// `planes`: one 0/1 CV_8U plane per class.
  void add(const std::string& id, const cv::Mat& image, const std::vector<cv::Mat>& planes);
  /// Writes `data_yaml` to out_dir/data.yaml and returns the summary.
  SynthSummary finish(const std::filesystem::path& out_dir, const std::string& data_yaml);

 private:
  bool keep_;
  SynthSummary summary_;
};

}  // namespace segkit::data
