#include "segkit/data/synth.h"

#include <algorithm>
#include <set>

#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/core/strings.h"
#include "segkit/data/synth_internal.h"

namespace segkit::data {

std::vector<std::string> synth_kind_names() { return {"steel", "clouds", "pneumo", "buildings"}; }

SynthKind parse_synth_kind(const std::string& name) {
  const auto names = synth_kind_names();
  const auto found = std::find(names.begin(), names.end(), name);
  if (found == names.end()) {
    throw ConfigError("unknown synthetic dataset kind '" + name + "'" + did_you_mean(name, names) +
                      "; valid: " + join(names, ", "));
  }
  return static_cast<SynthKind>(found - names.begin());
}

std::string to_string(SynthKind kind) { return synth_kind_names().at(static_cast<size_t>(kind)); }

SynthOptions resolve_synth_options(const SynthOptions& options, int default_height, int default_width,
                                   double default_empty_fraction, int min_size) {
  SynthOptions resolved = options;
  if (resolved.count < 1) throw ConfigError("synth: count must be >= 1, got " + std::to_string(resolved.count));
  if (resolved.height == 0) resolved.height = default_height;
  if (resolved.width == 0) resolved.width = default_width;
  if (resolved.height < min_size || resolved.width < min_size) {
    throw ConfigError("synth: size " + std::to_string(resolved.height) + "x" + std::to_string(resolved.width) +
                      " is too small for '" + to_string(options.kind) + "'; each side needs at least " +
                      std::to_string(min_size) + " pixels (0 picks the default " + std::to_string(default_height) +
                      "x" + std::to_string(default_width) + ")");
  }
  const double fraction = resolved.empty_fraction.value_or(default_empty_fraction);
  if (!(fraction >= 0.0 && fraction <= 1.0)) {
    throw ConfigError("synth: empty fraction must be in [0, 1], got " + std::to_string(fraction));
  }
  resolved.empty_fraction = fraction;
  return resolved;
}

std::vector<std::string> distinct_ids(int count, synth::SynthRng& rng,
                                      const std::function<std::string(synth::SynthRng&)>& draw) {
  std::set<std::string> ids;
  while (ids.size() < static_cast<size_t>(count)) ids.insert(draw(rng));
  return {ids.begin(), ids.end()};
}

SynthRecorder::SynthRecorder(const SynthOptions& options, std::vector<std::string> classes)
    : keep_(options.keep_samples) {
  summary_.kind = options.kind;
  summary_.positives.assign(classes.size(), 0);
  summary_.classes = std::move(classes);
}

void SynthRecorder::add(const std::string& id, const cv::Mat& image, const std::vector<cv::Mat>& planes) {
  ++summary_.images;
  bool empty = true;
  for (size_t c = 0; c < planes.size(); ++c) {
    if (synth::any(planes[c])) {
      ++summary_.positives[c];
      empty = false;
    }
  }
  if (empty) ++summary_.empty_images;
  if (keep_) summary_.samples.push_back({id, image.clone(), synth::merge_planes(planes)});
}

SynthSummary SynthRecorder::finish(const std::filesystem::path& out_dir, const std::string& data_yaml) {
  summary_.config = out_dir / "data.yaml";
  write_file_atomic(summary_.config, data_yaml);
  return std::move(summary_);
}

SynthSummary synthesize(const SynthOptions& options, const std::filesystem::path& out_dir) {
  std::error_code error;
  std::filesystem::create_directories(out_dir, error);
  if (error) throw IoError("synth: cannot create " + out_dir.string() + ": " + error.message());
  switch (options.kind) {
    case SynthKind::kSteel: return synth_steel(options, out_dir);
    case SynthKind::kClouds: return synth_clouds(options, out_dir);
    case SynthKind::kPneumo: return synth_pneumo(options, out_dir);
    case SynthKind::kBuildings:
#ifdef SEGKIT_WITH_GDAL
      return synth_buildings(options, out_dir);
#else
      throw ConfigError("synth: kind 'buildings' writes GeoTIFF + GeoJSON and needs GDAL: install libgdal-dev and "
                        "rebuild segkit");
#endif
  }
  throw ConfigError("synth: unknown kind");
}

}  // namespace segkit::data
