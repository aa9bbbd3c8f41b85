#include "segkit/submit/prediction_dir.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include <set>

#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/io/image_io.h"

namespace segkit::submit {
namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

namespace {

// Stems and class names become path components, so a slash or ".." would escape the directory.
bool is_plain_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
         name.find('\\') == std::string::npos && name.find('\0') == std::string::npos;
}

void validate(const PredictionIndex& index, const std::string& where) {
  if (index.classes.empty()) throw DataError(where + ": 'classes' is empty");
  std::set<std::string> seen;
  for (const auto& name : index.classes) {
    if (!is_plain_name(name)) throw DataError(where + ": class name '" + name + "' is not a plain file name");
    if (!seen.insert(name).second) throw DataError(where + ": class '" + name + "' is listed twice");
  }
  std::set<std::string> ids, stems;
  for (const auto& image : index.images) {
    if (!ids.insert(image.id).second) throw DataError(where + ": image id '" + image.id + "' is listed twice");
    if (!is_plain_name(image.stem))
      throw DataError(where + ": image '" + image.id + "': stem '" + image.stem + "' is not a plain file name");
    if (!stems.insert(image.stem).second)
      throw DataError(where + ": stem '" + image.stem + "' is used by two images; ids must differ beyond their extension");
    if (image.height <= 0 || image.width <= 0)
      throw DataError(where + ": image '" + image.id + "' has size " + std::to_string(image.height) + "x" +
                      std::to_string(image.width));
  }
}

fs::path mask_path(const fs::path& dir, const std::string& stem, const std::string& class_name) {
  return dir / "masks" / stem / (class_name + ".png");
}

fs::path labels_path(const fs::path& dir, const std::string& stem) { return dir / "labels" / (stem + ".png"); }

cv::Mat read_single_channel_png(const fs::path& file, const PredictionImage& image) {
  const cv::Mat png = io::read_image(file, io::ImageMode::kAsStored);
  if (png.type() != CV_8UC1)
    throw DataError(file.string() + ": expected an 8-bit single-channel PNG, got " + std::to_string(png.channels()) +
                    " channel(s) of depth " + std::to_string(png.depth()));
  if (png.rows != image.height || png.cols != image.width)
    throw DataError(file.string() + ": " + std::to_string(png.rows) + "x" + std::to_string(png.cols) +
                    " but index.json gives '" + image.id + "' as " + std::to_string(image.height) + "x" +
                    std::to_string(image.width));
  return png;
}

}  // namespace

std::string image_stem(const std::string& id) {
  if (!io::is_image_file(id)) return id;
  return id.substr(0, id.size() - fs::path(id).extension().string().size());
}

PredictionIndex read_prediction_index(const fs::path& dir) {
  const fs::path file = dir / "index.json";
  const std::string where = file.string();
  json doc;
  try {
    doc = json::parse(read_file(file));
  } catch (const json::exception& e) {
    throw DataError(where + ": not valid JSON: " + e.what());
  }
  PredictionIndex index;
  try {
    const auto format = doc.at("format").get<std::string>();
    if (format != kPredictionFormat)
      throw DataError(where + ": format '" + format + "', expected '" + kPredictionFormat + "'");
    index.classes = doc.at("classes").get<std::vector<std::string>>();
    if (doc.contains("mode")) index.mode = parse_task_mode(doc.at("mode").get<std::string>(), where + ": mode");
    if (doc.contains("masks")) index.has_masks = doc.at("masks").get<bool>();
    for (const auto& entry : doc.at("images")) {
      PredictionImage image;
      image.id = entry.at("id").get<std::string>();
      image.stem = entry.contains("stem") ? entry.at("stem").get<std::string>() : image_stem(image.id);
      image.height = entry.at("height").get<int>();
      image.width = entry.at("width").get<int>();
      index.images.push_back(std::move(image));
    }
  } catch (const json::exception& e) {
    throw DataError(where + ": " + e.what() + " (expected {\"format\", \"classes\", \"images\": [{\"id\", \"stem\", \"height\", \"width\"}]})");
  }
  validate(index, where);
  return index;
}

void write_prediction_index(const fs::path& dir, const PredictionIndex& index) {
  const fs::path file = dir / "index.json";
  validate(index, file.string());
  json doc;
  doc["format"] = kPredictionFormat;
  doc["classes"] = index.classes;
  doc["mode"] = task_mode_name(index.mode);
  if (!index.has_masks) doc["masks"] = false;
  json images = json::array();
  for (const auto& image : index.images)
    images.push_back({{"id", image.id}, {"stem", image.stem}, {"height", image.height}, {"width", image.width}});
  doc["images"] = std::move(images);
  fs::create_directories(dir);
  write_file_atomic(file, doc.dump(1) + "\n");
}

void require_masks(const PredictionIndex& index, const fs::path& dir, const std::string& purpose) {
  if (index.has_masks) return;
  throw DataError(fmt::format("{} holds a classifier's class probabilities and no masks; {} needs masks (a classifier's "
                              "predictions gate masks: pass them as --classifier)",
                              dir.string(), purpose));
}

PredictionImage write_prediction_masks(const fs::path& dir, const std::string& id, const cv::Mat& masks,
                                       const std::vector<std::string>& classes) {
  if (masks.depth() != CV_8U || masks.channels() != static_cast<int>(classes.size()) || masks.dims != 2)
    throw ShapeError("prediction '" + id + "': masks must be H x W x " + std::to_string(classes.size()) +
                     " CV_8U, got " + std::to_string(masks.channels()) + " channel(s) of depth " +
                     std::to_string(masks.depth()));
  PredictionImage image{id, image_stem(id), masks.rows, masks.cols};
  PredictionIndex check{classes, {image}};
  validate(check, "prediction '" + id + "'");
  std::vector<cv::Mat> planes;
  cv::split(masks, planes);
  for (size_t c = 0; c < classes.size(); ++c) {
    const fs::path file = mask_path(dir, image.stem, classes[c]);
    if (cv::countNonZero(planes[c]) == 0) {
      fs::remove(file);
      continue;
    }
    fs::create_directories(file.parent_path());
    cv::Mat png;
    cv::compare(planes[c], 0, png, cv::CMP_NE);  // 0/255
    io::write_image(file, png);
  }
  return image;
}

std::vector<cv::Mat> label_planes(const cv::Mat& labels, size_t classes) {
  std::vector<cv::Mat> planes;
  for (size_t k = 0; k < classes; ++k) planes.push_back((labels == static_cast<int>(k)) / 255);
  return planes;
}

PredictionImage write_prediction_labels(const fs::path& dir, const std::string& id, const cv::Mat& labels,
                                        const std::vector<std::string>& classes) {
  if (labels.type() != CV_8UC1 || classes.size() > 255)
    throw ShapeError("prediction '" + id + "': labels must be H x W CV_8U for at most 255 classes");
  double highest = 0;
  cv::minMaxLoc(labels, nullptr, &highest);
  if (highest >= static_cast<double>(classes.size()))
    throw ShapeError("prediction '" + id + "': label " + std::to_string(static_cast<int>(highest)) + " but " +
                     std::to_string(classes.size()) + " classes");
  PredictionImage image{id, image_stem(id), labels.rows, labels.cols};
  validate(PredictionIndex{classes, {image}}, "prediction '" + id + "'");
  fs::create_directories(dir / "labels");
  io::write_image(labels_path(dir, image.stem), labels);
  return image;
}

cv::Mat read_prediction_masks(const fs::path& dir, const PredictionImage& image,
                              const std::vector<std::string>& classes) {
  std::vector<cv::Mat> planes;
  if (const fs::path labels = labels_path(dir, image.stem); fs::exists(labels)) {
    planes = label_planes(read_single_channel_png(labels, image), classes.size());
  }
  for (size_t k = planes.size(); k < classes.size(); ++k) {
    const fs::path file = mask_path(dir, image.stem, classes[k]);
    if (!fs::exists(file)) {
      planes.push_back(cv::Mat::zeros(image.height, image.width, CV_8U));
      continue;
    }
    cv::Mat binary;
    cv::compare(read_single_channel_png(file, image), 0, binary, cv::CMP_NE);
    planes.push_back(binary / 255);
  }
  cv::Mat out;
  cv::merge(planes, out);
  return out;
}

}  // namespace segkit::submit
