#include "segkit/submit/submission_format.h"

#include <opencv2/core.hpp>

#include "segkit/core/error.h"
#include "segkit/core/strings.h"
#include "segkit/io/csv.h"
#include "segkit/io/rle.h"
#include "segkit/submit/prediction_dir.h"

namespace segkit::submit {

std::vector<std::string> submission_format_names() { return {"severstal", "clouds", "siim", "generic"}; }

SubmissionFormat parse_submission_format(const std::string& name) {
  const auto names = submission_format_names();
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<SubmissionFormat>(i);
  throw ConfigError("unknown submission format '" + name + "'" + did_you_mean(name, names) + "; valid: " +
                    join(names, ", "));
}

std::string to_string(SubmissionFormat format) { return submission_format_names()[static_cast<size_t>(format)]; }

std::string submission_header(SubmissionFormat format) {
  switch (format) {
    case SubmissionFormat::kSeverstal: return "ImageId_ClassId,EncodedPixels";
    case SubmissionFormat::kClouds: return "Image_Label,EncodedPixels";
    case SubmissionFormat::kSiim: return "ImageId,EncodedPixels";
    case SubmissionFormat::kGeneric: return "ImageId,ClassId,EncodedPixels";
  }
  return {};
}

std::string submission_image_key(SubmissionFormat format, const std::string& id) {
  return format == SubmissionFormat::kSiim ? image_stem(id) : id;
}

void check_submission_classes(SubmissionFormat format, const std::vector<std::string>& classes) {
  if (classes.empty()) throw ConfigError("a submission needs at least one class");
  if (format == SubmissionFormat::kSiim && classes.size() != 1)
    throw ConfigError("format siim holds one class per image, but the predictions have " +
                      std::to_string(classes.size()) + " (" + join(classes, ", ") + "); use generic");
}

namespace {

// Resolves the class part of a row: severstal numbers classes from 1, clouds names them, generic
// accepts either (a name first, since Severstal's names are numbers too).
size_t parse_class(SubmissionFormat format, const std::string& text, const std::vector<std::string>& classes,
                   const std::string& where) {
  if (format != SubmissionFormat::kSeverstal) {
    for (size_t c = 0; c < classes.size(); ++c)
      if (classes[c] == text) return c;
  }
  if (format != SubmissionFormat::kClouds && !text.empty() && text.find_first_not_of("0123456789") == std::string::npos &&
      text.size() < 9) {
    const size_t number = std::stoul(text);
    if (number >= 1 && number <= classes.size()) return number - 1;
  }
  const std::string valid = format == SubmissionFormat::kSeverstal
                                ? "1.." + std::to_string(classes.size())
                                : join(classes, ", ");
  throw DataError(where + ": unknown class '" + text + "'" + did_you_mean(text, classes) + "; valid: " + valid);
}

}  // namespace

SubmissionFile read_submission(const std::filesystem::path& path, SubmissionFormat format,
                               const std::vector<std::string>& classes) {
  check_submission_classes(format, classes);
  const io::CsvTable table = io::read_csv(path);
  SubmissionFile file;
  file.source = path;
  file.format = format;
  file.classes = classes;
  const std::string header = submission_header(format);
  const auto columns = split(header, ',');
  std::vector<size_t> at;
  for (const auto& name : columns) {
    const size_t index = table.find_column(name);
    if (index == std::string::npos)
      throw DataError(path.string() + ": header '" + join(table.header, ",") + "' lacks column '" + name +
                      "'; format " + to_string(format) + " expects '" + header + "'");
    at.push_back(index);
  }
  for (const auto& row : table.rows) {
    const std::string where = table.where(row);
    std::string key = row.fields[at[0]];
    size_t cls = 0;
    if (format == SubmissionFormat::kSeverstal || format == SubmissionFormat::kClouds) {
      const size_t split_at = key.rfind('_');
      if (split_at == std::string::npos)
        throw DataError(where + ": '" + key + "' is not <image>_<class>");
      cls = parse_class(format, key.substr(split_at + 1), classes, where);
      key.resize(split_at);
    } else if (format == SubmissionFormat::kGeneric) {
      cls = parse_class(format, std::string(trim(row.fields[at[1]])), classes, where);
    }
    key = std::string(trim(key));
    auto [it, inserted] = file.image_index.emplace(key, file.image_keys.size());
    if (inserted) {
      file.image_keys.push_back(key);
      file.entries_of_image.emplace_back();
    }
    file.entries_of_image[it->second].push_back(file.entries.size());
    file.entries.push_back({it->second, cls, row.fields[at.back()], row.line});
  }
  return file;
}

cv::Mat SubmissionFile::decode(const std::string& image_key, int height, int width) const {
  std::vector<cv::Mat> planes(classes.size());
  for (auto& plane : planes) plane = cv::Mat::zeros(height, width, CV_8U);
  const auto found = image_index.find(image_key);
  if (found != image_index.end()) {
    for (size_t e : entries_of_image[found->second]) {
      const auto& entry = entries[e];
      try {
        if (format == SubmissionFormat::kSiim) {
          io::decode_siim_rle(entry.rle, height, width, planes[entry.cls].data);
        } else {
          io::decode_kaggle_rle(entry.rle, height, width, planes[entry.cls].data);
        }
      } catch (const DataError& error) {
        throw DataError(source.string() + ":" + std::to_string(entry.line) + " (image " + image_key + ", " +
                        std::to_string(height) + "x" + std::to_string(width) + "): " + error.what());
      }
    }
  }
  cv::Mat out;
  cv::merge(planes, out);
  return out;
}

}  // namespace segkit::submit
