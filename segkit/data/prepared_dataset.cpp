#include "segkit/data/prepared_dataset.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/core/parallel.h"
#include "segkit/core/strings.h"
#include "segkit/io/image_io.h"

namespace segkit::data {
namespace {

namespace fs = std::filesystem;
constexpr const char* kIndexFile = "prepared.json";
constexpr int kMaxClasses = 16;

int interpolation_flag(const std::string& name) {
  static const std::vector<std::pair<std::string, int>> kFlags = {
      {"nearest", cv::INTER_NEAREST}, {"linear", cv::INTER_LINEAR}, {"cubic", cv::INTER_CUBIC},
      {"area", cv::INTER_AREA},       {"lanczos", cv::INTER_LANCZOS4}};
  std::vector<std::string> names;
  for (const auto& [known, flag] : kFlags) {
    if (known == name) return flag;
    names.push_back(known);
  }
  throw ConfigError("interpolation '" + name + "' is unknown" + did_you_mean(name, names) +
                    "; valid: " + join(names, ", "));
}

std::string file_name(size_t index) { return fmt::format("{:06d}.png", index); }

// K 0/1 channels -> one grey image whose bit k is class k.
cv::Mat pack_mask(const cv::Mat& mask) {
  const int depth = mask.channels() <= 8 ? CV_8U : CV_16U;
  cv::Mat packed = cv::Mat::zeros(mask.size(), depth);
  std::vector<cv::Mat> planes;
  cv::split(mask, planes);
  for (size_t k = 0; k < planes.size(); ++k) {
    cv::Mat bit;
    planes[k].convertTo(bit, depth, static_cast<double>(1 << k));
    packed |= bit;
  }
  return packed;
}

cv::Mat unpack_mask(const cv::Mat& packed, int classes) {
  std::vector<cv::Mat> planes(classes);
  for (int k = 0; k < classes; ++k) {
    cv::Mat bit = (packed & cv::Scalar(1 << k)) != 0;  // 0 or 255, CV_8U
    planes[k] = bit / 255;
  }
  cv::Mat mask;
  cv::merge(planes, mask);
  return mask;
}

// Soft labels (CV_32F probabilities) are stored as their K planes stacked vertically in one grey
// image of round(p * 255): one lossless file for any class count, at the probability files' precision.
cv::Mat unstack_soft_mask(const cv::Mat& stacked, int classes, const fs::path& file) {
  if (stacked.channels() != 1 || stacked.rows % classes != 0) {
    throw DataError(fmt::format("{}: a soft mask must stack {} grey planes", file.string(), classes));
  }
  const int rows = stacked.rows / classes;
  std::vector<cv::Mat> planes;
  for (int k = 0; k < classes; ++k) {
    cv::Mat plane;
    stacked.rowRange(k * rows, (k + 1) * rows).convertTo(plane, CV_32F, 1.0 / 255.0);
    planes.push_back(plane);
  }
  cv::Mat mask;
  cv::merge(planes, mask);
  return mask;
}

bool is_soft(const cv::Mat& mask) { return mask.depth() == CV_32F; }

// The mask as its file stores it, resized to `size` when that is not empty: soft masks are
// probabilities and resize like images (bilinear), hard masks stay 0/1 (nearest, after packing,
// since cv::resize handles at most 4 channels).
cv::Mat encode_mask(const cv::Mat& mask, cv::Size size) {
  if (!is_soft(mask)) {
    cv::Mat packed = pack_mask(mask);
    if (!size.empty()) cv::resize(packed, packed, size, 0, 0, cv::INTER_NEAREST);
    return packed;
  }
  std::vector<cv::Mat> planes;
  cv::split(mask, planes);
  for (auto& plane : planes) {
    if (!size.empty()) cv::resize(plane, plane, size, 0, 0, cv::INTER_LINEAR);
  }
  cv::Mat stacked;
  cv::vconcat(planes, stacked);
  stacked.convertTo(stacked, CV_8U, 255.0);
  return stacked;
}

}  // namespace

size_t prepare_dataset(const Dataset& source, const fs::path& dir, const PrepareOptions& options) {
  if (options.height < 0 || options.width < 0 || (options.height == 0) != (options.width == 0)) {
    throw ConfigError(fmt::format("prepare size must be HxW with both > 0 (or both 0 to keep the size), got {}x{}",
                                  options.height, options.width));
  }
  if (source.class_names().size() > kMaxClasses) {
    throw DataError(fmt::format("prepare supports at most {} classes, the dataset has {}", kMaxClasses,
                                source.class_names().size()));
  }
  const int interpolation = interpolation_flag(options.interpolation);
  fs::create_directories(dir / "images");
  fs::create_directories(dir / "masks");
  fs::remove(dir / kIndexFile);  // the folder is incomplete until the new index is written

  enum Label : char { kNone, kHard, kSoft };
  std::vector<char> labels(source.size(), kNone);
  parallel_for_index(source.size(), options.threads, [&](size_t i) {
    Sample sample = source.get(i);
    const cv::Size size(options.width, options.height);
    const bool resize = options.height > 0 && sample.image.size() != size;
    if (resize) cv::resize(sample.image, sample.image, size, 0, 0, interpolation);
    io::write_image(dir / "images" / file_name(i), sample.image);
    if (!sample.has_mask()) return;
    labels[i] = is_soft(sample.mask) ? kSoft : kHard;
    io::write_image(dir / "masks" / file_name(i), encode_mask(sample.mask, resize ? size : cv::Size()));
  });

  nlohmann::ordered_json index;
  index["height"] = options.height;
  index["width"] = options.width;
  index["interpolation"] = options.interpolation;
  index["classes"] = source.class_names();
  index["samples"] = nlohmann::json::array();
  for (size_t i = 0; i < source.size(); ++i) {
    nlohmann::ordered_json entry = {{"id", source.id(i)}, {"labelled", labels[i] != kNone}};
    if (labels[i] == kSoft) entry["soft"] = true;
    index["samples"].push_back(entry);
  }
  write_file_atomic(dir / kIndexFile, index.dump(1));
  return source.size();
}

PreparedDataset::PreparedDataset(const fs::path& dir) : dir_(dir) {
  const fs::path index_path = dir / kIndexFile;
  if (!fs::exists(index_path)) {
    throw DataError(fmt::format("{} holds no prepared dataset (no {}; an interrupted `segkit prepare` "
                                "leaves none): run `segkit prepare` again",
                                dir.string(), kIndexFile));
  }
  try {
    const auto index = nlohmann::json::parse(read_file(index_path));
    classes_ = index.at("classes").get<std::vector<std::string>>();
    for (const auto& entry : index.at("samples")) {
      ids_.push_back(entry.at("id").get<std::string>());
      labelled_.push_back(entry.at("labelled").get<bool>());
      soft_.push_back(entry.value("soft", false));
    }
  } catch (const nlohmann::json::exception& e) {
    throw DataError(fmt::format("{}: not a valid prepared-dataset index: {}", index_path.string(), e.what()));
  }
}

Sample PreparedDataset::get(size_t index) const {
  Sample sample;
  sample.id = ids_.at(index);
  sample.image = io::read_image(dir_ / "images" / file_name(index));
  if (labelled_[index]) {
    const fs::path file = dir_ / "masks" / file_name(index);
    const cv::Mat stored = io::read_image(file);
    const int classes = static_cast<int>(classes_.size());
    sample.mask = soft_[index] ? unstack_soft_mask(stored, classes, file) : unpack_mask(stored, classes);
    if (sample.mask.size() != sample.image.size()) {
      throw DataError(fmt::format("{}: mask size differs from its image", file.string()));
    }
  }
  return sample;
}

}  // namespace segkit::data
