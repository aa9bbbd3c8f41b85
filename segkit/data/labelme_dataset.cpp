#include "segkit/data/labelme_dataset.h"

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/core/paths.h"
#include "segkit/core/strings.h"
#include "segkit/io/image_io.h"

namespace segkit::data {
namespace {

using nlohmann::json;

cv::Point rounded(const json& point) {
  return {static_cast<int>(std::lround(point.at(0).get<double>())), static_cast<int>(std::lround(point.at(1).get<double>()))};
}

void draw_shape(const json& shape, cv::Mat& channel, const std::string& where) {
  const std::string type = shape.value("shape_type", "polygon");
  std::vector<cv::Point> points;
  for (const auto& point : shape.at("points")) points.push_back(rounded(point));
  if (type == "polygon" && points.size() >= 3) {
    cv::fillPoly(channel, std::vector<std::vector<cv::Point>>{points}, cv::Scalar(1));
    cv::polylines(channel, std::vector<std::vector<cv::Point>>{points}, true, cv::Scalar(1));
  } else if (type == "rectangle" && points.size() == 2) {
    cv::rectangle(channel, points[0], points[1], cv::Scalar(1), cv::FILLED);
  } else if (type == "circle" && points.size() == 2) {
    const double radius = std::hypot(points[1].x - points[0].x, points[1].y - points[0].y);
    cv::circle(channel, points[0], static_cast<int>(std::lround(radius)), cv::Scalar(1), cv::FILLED);
  } else {
    throw DataError(where + ": unsupported shape '" + type + "' with " + std::to_string(points.size()) +
                    " points (polygon >= 3, rectangle 2, circle 2)");
  }
}

}  // namespace

std::string decode_base64(std::string_view text) {
  static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t buffer = 0;
  int bits = 0;
  size_t padding = 0;
  for (char c : text) {
    if (c == '=') {
      ++padding;
      continue;
    }
    if (c == '\n' || c == '\r' || c == ' ' || c == '\t') continue;
    const size_t value = kAlphabet.find(c);
    if (value == std::string::npos || padding > 0) throw DataError("invalid base64 data");
    buffer = (buffer << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  if (padding > 2) throw DataError("invalid base64 padding");
  return out;
}

LabelMeDataset::LabelMeDataset(LabelMeOptions options) : options_(std::move(options)) {
  if (options_.classes.empty()) throw ConfigError("data.classes: LabelMe needs the class names");
  if (!std::filesystem::is_directory(options_.dir)) throw IoError("LabelMe folder not found: " + options_.dir.string());
  for (const auto& entry : std::filesystem::directory_iterator(options_.dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") files_.push_back(entry.path());
  }
  std::sort(files_.begin(), files_.end());
  if (files_.empty()) throw DataError("no LabelMe .json files in " + options_.dir.string());
}

std::string LabelMeDataset::id(size_t index) const { return files_.at(index).stem().string(); }

Sample LabelMeDataset::get(size_t index) const {
  const auto& file = files_.at(index);
  try {
    return read_document(file);
  } catch (const json::exception& e) {  // valid JSON of the wrong shape (a number, a string for shapes, ...)
    throw DataError(file.string() + ": not a LabelMe document: " + e.what());
  }
}

Sample LabelMeDataset::read_document(const std::filesystem::path& file) const {
  json document;
  try {
    document = json::parse(read_file(file));
  } catch (const json::exception& e) {
    throw DataError(file.string() + ": not valid JSON: " + e.what());
  }
  Sample sample;
  const std::string image_path = document.value("imagePath", "");
  // imagePath is relative to the JSON file (often "../images/x.jpg"), and must stay in the dataset.
  const auto beside =
      image_path.empty() ? file
                         : path_under(options_.dir, image_path, file.string() + " imagePath", file.parent_path());
  if (!image_path.empty() && std::filesystem::is_regular_file(beside)) {
    sample.image = io::read_image(beside);
    sample.id = beside.filename().string();
  } else if (document.contains("imageData") && document["imageData"].is_string()) {
    sample.image = io::decode_image(decode_base64(document["imageData"].get<std::string>()), file.string() + " imageData",
                                    io::ImageMode::kColor);
    sample.id = image_path.empty() ? file.stem().string() : std::filesystem::path(image_path).filename().string();
  } else {
    throw DataError(file.string() + ": image '" + image_path + "' not found and no imageData embedded");
  }
  std::vector<cv::Mat> channels(options_.classes.size());
  for (auto& channel : channels) channel = cv::Mat::zeros(sample.image.size(), CV_8U);
  const json shapes = document.value("shapes", json::array());
  for (size_t s = 0; s < shapes.size(); ++s) {
    const std::string where = file.string() + " shape " + std::to_string(s + 1);
    std::string label = shapes[s].value("label", "");
    if (options_.ignore_labels.count(label)) continue;
    if (auto mapped = options_.label_map.find(label); mapped != options_.label_map.end()) label = mapped->second;
    const auto found = std::find(options_.classes.begin(), options_.classes.end(), label);
    if (found == options_.classes.end()) {
      throw DataError(where + ": label '" + label + "' is not a class" + did_you_mean(label, options_.classes) +
                      " (classes: " + join(options_.classes, ", ") + "; map it with data.label_map or drop it with "
                      "data.ignore_labels)");
    }
    try {
      draw_shape(shapes[s], channels[found - options_.classes.begin()], where);
    } catch (const json::exception& e) {
      throw DataError(where + ": malformed points: " + e.what());
    }
  }
  cv::merge(channels, sample.mask);
  return sample;
}

}  // namespace segkit::data
