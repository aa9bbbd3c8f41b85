#include "segkit/data/rle_csv_dataset.h"

#include <opencv2/core.hpp>

#include <algorithm>
#include <unordered_map>

#include "segkit/core/error.h"
#include "segkit/core/logging.h"
#include "segkit/core/paths.h"
#include "segkit/core/strings.h"
#include "segkit/io/csv.h"
#include "segkit/io/image_io.h"
#include "segkit/io/rle.h"

namespace segkit::data {
namespace {

bool is_empty_rle(const std::string& rle) {
  const auto text = trim(rle);
  return text.empty() || text == "-1";
}

size_t first_present(const io::CsvTable& table, const std::string& chosen, const std::vector<std::string>& candidates,
                     const std::string& what) {
  if (!chosen.empty()) return table.column(chosen);
  for (const auto& name : candidates) {
    const size_t index = table.find_column(name);
    if (index != std::string::npos) return index;
  }
  throw DataError(table.source + ": no " + what + " column (looked for " + join(candidates, ", ") +
                  "); the header is " + join(table.header, ",") + "; set it in the data config");
}

// Channel of a class token: a 1-based number (Severstal's ClassId) or a class name (clouds' labels).
size_t channel_of(const std::string& token, const std::vector<std::string>& classes, const std::string& where) {
  for (size_t i = 0; i < classes.size(); ++i) {
    if (classes[i] == token) return i;
  }
  if (!token.empty() && token.find_first_not_of("0123456789") == std::string::npos) {
    const size_t number = std::stoul(token);
    if (number >= 1 && number <= classes.size()) return number - 1;
  }
  throw DataError(where + ": unknown class '" + token + "'" + did_you_mean(token, classes) + "; the config names " +
                  std::to_string(classes.size()) + " classes: " + join(classes, ", ") +
                  " (a number means the 1-based class index)");
}

}  // namespace

RleCsvDataset::RleCsvDataset(RleCsvOptions options) : options_(std::move(options)) {
  if (options_.classes.empty()) throw ConfigError("data.classes: at least one class is needed");
  if (options_.encoding != "kaggle" && options_.encoding != "siim") {
    throw ConfigError("data.encoding must be kaggle or siim, got '" + options_.encoding + "'");
  }
  const io::CsvTable table = io::read_csv(options_.csv);
  const auto& header = table.header;
  const size_t combined_severstal = table.find_column("ImageId_ClassId");
  const size_t combined_clouds = table.find_column("Image_Label");
  const size_t combined = combined_severstal != std::string::npos ? combined_severstal : combined_clouds;
  size_t image_column = combined, class_column = std::string::npos, rle_column = std::string::npos;
  std::vector<std::pair<size_t, size_t>> wide_columns;  // (column, channel)
  if (combined == std::string::npos) {
    image_column = first_present(table, options_.image_column, {"ImageId", "Image", "image_id", "fname", "id"}, "image");
    class_column = table.find_column("ClassId");
    for (size_t c = 0; c < options_.classes.size(); ++c) {
      const size_t column = table.find_column(options_.classes[c]);
      if (column != std::string::npos) wide_columns.emplace_back(column, c);
    }
  }
  if (wide_columns.empty()) rle_column = first_present(table, options_.rle_column, {"EncodedPixels", "mask", "rle"}, "RLE");
  if (wide_columns.empty() && combined == std::string::npos && class_column == std::string::npos &&
      options_.classes.size() != 1) {
    throw ConfigError(table.source + " has no class column (header " + join(header, ",") + ") but the config names " +
                      std::to_string(options_.classes.size()) + " classes; name one class, or use a long/wide layout");
  }

  std::unordered_map<std::string, size_t> index_of;
  std::vector<bool> missing;
  for (const auto& row : table.rows) {
    const std::string where = table.where(row);
    std::string id = row.fields[image_column];
    std::vector<std::pair<size_t, std::string>> entries;  // (channel, rle)
    if (combined != std::string::npos) {
      const size_t split = id.rfind('_');
      if (split == std::string::npos) throw DataError(where + ": '" + id + "' is not <image>_<class>");
      entries.emplace_back(channel_of(id.substr(split + 1), options_.classes, where), row.fields[rle_column]);
      id = id.substr(0, split);
    } else if (!wide_columns.empty()) {
      for (const auto& [column, channel] : wide_columns) entries.emplace_back(channel, row.fields[column]);
    } else {
      const size_t channel = class_column == std::string::npos
                                 ? 0
                                 : channel_of(std::string(trim(row.fields[class_column])), options_.classes, where);
      entries.emplace_back(channel, row.fields[rle_column]);
    }
    id = std::string(trim(id));
    auto [slot, inserted] = index_of.emplace(id, images_.size());
    if (inserted) {
      // Appended unless already there: SIIM's UIDs contain dots, so "has an extension" cannot be asked.
      const std::string& extension = options_.image_extension;
      const std::filesystem::path path =
          path_under(options_.image_dir, ends_with(id, extension) ? id : id + extension, where);
      const bool exists = std::filesystem::is_regular_file(path);
      if (!exists && !options_.skip_missing_images) {
        throw DataError(where + ": image '" + id + "' not found at " + path.string() +
                        " (set data.skip_missing_images to skip such rows)");
      }
      images_.push_back({id, path, {}});
      missing.push_back(!exists);
    }
    for (auto& [channel, rle] : entries) {
      if (is_empty_rle(rle)) continue;
      images_[slot->second].runs.push_back({channel, std::move(rle), where});
    }
  }
  std::vector<Image> kept;
  for (size_t i = 0; i < images_.size(); ++i) {
    if (missing[i]) ++skipped_;
    else kept.push_back(std::move(images_[i]));
  }
  images_ = std::move(kept);
  if (options_.include_unlisted_images) add_unlisted_images(index_of);
  if (skipped_ > 0) {
    log::warn("{}: skipped {} image(s) listed in the CSV but missing from {}", table.source, skipped_,
              options_.image_dir.string());
  }
}

void RleCsvDataset::add_unlisted_images(const std::unordered_map<std::string, size_t>& listed) {
  std::error_code error;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(options_.image_dir, error)) {
    if (entry.is_regular_file() && io::is_image_file(entry.path())) files.push_back(entry.path());
  }
  if (error) throw DataError("cannot list " + options_.image_dir.string() + ": " + error.message());
  std::sort(files.begin(), files.end());
  const std::string& extension = options_.image_extension;
  for (const auto& path : files) {
    std::string id = path.filename().string();
    // The CSV names SIIM images without the extension that image_extension adds back.
    if (!extension.empty() && ends_with(id, extension)) {
      const std::string stem = id.substr(0, id.size() - extension.size());
      if (listed.count(stem)) continue;
      id = stem;
    }
    if (listed.count(id) == 0) images_.push_back({id, path, {}});
  }
}

std::vector<bool> RleCsvDataset::classes_present(size_t index) const {
  std::vector<bool> present(options_.classes.size(), false);
  for (const auto& run : images_.at(index).runs) present[run.channel] = true;
  return present;
}

Sample RleCsvDataset::get(size_t index) const {
  const Image& image = images_.at(index);
  Sample sample;
  sample.id = image.id;
  sample.image = io::read_image(image.path);
  const int height = sample.image.rows, width = sample.image.cols;
  std::vector<cv::Mat> channels(options_.classes.size());
  for (auto& channel : channels) channel = cv::Mat::zeros(height, width, CV_8U);
  for (const auto& run : image.runs) {
    try {
      if (options_.encoding == "kaggle") {
        io::decode_kaggle_rle(run.rle, height, width, channels[run.channel].data, 1);
      } else {
        io::decode_siim_rle(run.rle, height, width, channels[run.channel].data, 1);
      }
    } catch (const Error& e) {
      throw DataError(run.where + " (image " + image.path.string() + ", " + std::to_string(height) + "x" +
                      std::to_string(width) + "): " + e.what());
    }
  }
  cv::merge(channels, sample.mask);
  return sample;
}

}  // namespace segkit::data
