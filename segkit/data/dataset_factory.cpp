#include "segkit/data/dataset_factory.h"

#include <map>
#include <set>

#include "segkit/core/error.h"
#include "segkit/core/strings.h"
#include "segkit/data/concat_dataset.h"
#include "segkit/data/geotiff_dataset.h"
#include "segkit/data/image_folder_dataset.h"
#include "segkit/data/labelme_dataset.h"
#include "segkit/data/mask_folder_dataset.h"
#include "segkit/data/prepared_dataset.h"
#include "segkit/data/rle_csv_dataset.h"

namespace segkit::data {
namespace {

using json = nlohmann::ordered_json;

// Typed reads with the key in every message; every key of the section must be one the format knows.
class Section {
 public:
  Section(const json& values, std::filesystem::path base, std::vector<std::string> known)
      : values_(values), base_(std::move(base)), known_(std::move(known)) {
    for (const auto& [key, value] : values_.items()) {
      if (std::find(known_.begin(), known_.end(), key) == known_.end()) {
        throw ConfigError("data." + key + ": unknown key for format '" + values_.value("format", "") + "'" +
                          did_you_mean(key, known_) + "; valid keys: " + join(known_, ", "));
      }
    }
  }
  template <typename T>
  T get(const std::string& key, T fallback) const {
    if (!values_.contains(key) || values_[key].is_null()) return fallback;
    try {
      return values_[key].get<T>();
    } catch (const json::exception&) {
      throw ConfigError("data." + key + ": wrong type (" + values_[key].dump() + ")");
    }
  }
  std::filesystem::path path(const std::string& key, bool required = true) const {
    const std::string text = get<std::string>(key, "");
    if (text.empty()) {
      if (required) throw ConfigError("data." + key + " is required");
      return {};
    }
    const std::filesystem::path value(text);
    return value.is_absolute() || base_.empty() ? value : base_ / value;
  }

 private:
  const json& values_;
  std::filesystem::path base_;
  std::vector<std::string> known_;
};

}  // namespace

DatasetPtr build_dataset(const json& section, const std::filesystem::path& base_dir) {
  if (!section.is_object() || !section.contains("format")) {
    throw ConfigError("data.format is required: rle_csv, mask_folder, labelme, image_folder, prepared, geotiff or concat");
  }
  const std::string format = section["format"].is_string() ? section["format"].get<std::string>() : "";
  using Strings = std::vector<std::string>;
  if (format == "rle_csv") {
    Section s(section, base_dir,
              {"format", "csv", "image_dir", "classes", "encoding", "image_column", "rle_column", "image_extension",
               "skip_missing_images", "include_unlisted_images"});
    RleCsvOptions options{s.path("csv"), s.path("image_dir")};
    options.classes = s.get<Strings>("classes", options.classes);
    options.encoding = s.get<std::string>("encoding", options.encoding);
    options.image_column = s.get<std::string>("image_column", "");
    options.rle_column = s.get<std::string>("rle_column", "");
    options.image_extension = s.get<std::string>("image_extension", "");
    options.skip_missing_images = s.get<bool>("skip_missing_images", false);
    options.include_unlisted_images = s.get<bool>("include_unlisted_images", false);
    return std::make_shared<RleCsvDataset>(options);
  }
  if (format == "mask_folder") {
    Section s(section, base_dir,
              {"format", "image_dir", "mask_dir", "mask_suffix", "classes", "mask_mode", "threshold", "invert",
               "class_values"});
    MaskFolderOptions options{s.path("image_dir"), s.path("mask_dir", false)};
    options.mask_suffix = s.get<std::string>("mask_suffix", "");
    options.classes = s.get<Strings>("classes", options.classes);
    options.mask_mode = s.get<std::string>("mask_mode", options.mask_mode);
    options.threshold = s.get<int>("threshold", options.threshold);
    options.invert = s.get<bool>("invert", false);
    options.class_values = s.get<std::vector<int>>("class_values", {});
    return std::make_shared<MaskFolderDataset>(options);
  }
  if (format == "labelme") {
    Section s(section, base_dir, {"format", "dir", "classes", "label_map", "ignore_labels"});
    LabelMeOptions options{s.path("dir"), s.get<Strings>("classes", {})};
    options.label_map = s.get<std::map<std::string, std::string>>("label_map", {});
    options.ignore_labels = s.get<std::set<std::string>>("ignore_labels", {});
    return std::make_shared<LabelMeDataset>(options);
  }
  if (format == "image_folder") {
    Section s(section, base_dir, {"format", "image_dir"});
    return std::make_shared<ImageFolderDataset>(s.path("image_dir"));
  }
  if (format == "prepared") {
    Section s(section, base_dir, {"format", "dir"});
    return std::make_shared<PreparedDataset>(s.path("dir"));
  }
  if (format == "geotiff") {
    Section s(section, base_dir,
              {"format", "image_dir", "label_dir", "image_prefix", "label_prefix", "label_suffix", "classes", "stretch",
               "percentiles", "bands"});
#ifdef SEGKIT_WITH_GDAL
    GeoTiffOptions options{s.path("image_dir"), s.path("label_dir", false)};
    options.image_prefix = s.get<std::string>("image_prefix", "");
    options.label_prefix = s.get<std::string>("label_prefix", "");
    options.label_suffix = s.get<std::string>("label_suffix", "");
    options.classes = s.get<Strings>("classes", options.classes);
    const std::string stretch = s.get<std::string>("stretch", "percentile");
    if (stretch != "percentile" && stretch != "minmax" && stretch != "none") {
      throw ConfigError("data.stretch must be percentile, minmax or none, got '" + stretch + "'");
    }
    options.raw = stretch == "none";
    options.rgb.stretch = stretch == "minmax" ? io::Stretch::kMinMax : io::Stretch::kPercentile;
    const auto percentiles = s.get<std::vector<double>>("percentiles", {2.0, 98.0});
    if (percentiles.size() != 2 || !(0 <= percentiles[0] && percentiles[0] < percentiles[1] && percentiles[1] <= 100)) {
      throw ConfigError("data.percentiles must be [low, high] with 0 <= low < high <= 100");
    }
    options.rgb.low_percentile = percentiles[0];
    options.rgb.high_percentile = percentiles[1];
    options.rgb.bands = s.get<std::vector<int>>("bands", {});
    return std::make_shared<GeoTiffDataset>(options);
#else
    throw ConfigError("data.format geotiff needs GDAL, and this segkit was built without it: install libgdal-dev "
                      "(scripts/install_deps.sh) and rebuild");
#endif
  }
  if (format == "concat") {
    // Splits a dataset ships in separate folders (CamVid's train/ and val/) read as one, so one
    // folds file can name the published split.
    Section s(section, base_dir, {"format", "parts"});
    const json parts = s.get<json>("parts", json::array());
    if (!parts.is_array() || parts.size() < 2) throw ConfigError("data.parts: a list of at least two data sections");
    std::vector<DatasetPtr> datasets;
    std::map<std::string, size_t> part_of_id;
    for (size_t p = 0; p < parts.size(); ++p) {
      try {
        datasets.push_back(build_dataset(parts[p], base_dir));
      } catch (const ConfigError& error) {
        throw ConfigError("data.parts[" + std::to_string(p) + "]: " + error.what());
      }
      for (size_t i = 0; i < datasets.back()->size(); ++i) {
        const auto [where, added] = part_of_id.emplace(datasets.back()->id(i), p);
        if (!added) {
          throw DataError("data.parts: image '" + where->first + "' is in part " + std::to_string(where->second) +
                          " and part " + std::to_string(p) + "; ids must be unique (folds files name images by id)");
        }
      }
    }
    return std::make_shared<ConcatDataset>(std::move(datasets));
  }
  const Strings formats = {"rle_csv", "mask_folder", "labelme", "image_folder", "prepared", "geotiff", "concat"};
  throw ConfigError("data.format: unknown format '" + format + "'" + did_you_mean(format, formats) +
                    "; valid: " + join(formats, ", "));
}

}  // namespace segkit::data
