#include "segkit/postprocess/oof_reader.h"

#include <algorithm>
#include <map>

#include "segkit/core/error.h"
#include "segkit/core/strings.h"
#include "segkit/io/safetensors.h"

namespace segkit::postprocess {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kFormat = "segkit-oof-v1";

std::string where(const io::SafetensorsReader& file, const std::string& tensor) {
  return file.path().string() + ": tensor '" + tensor + "': ";
}

// K planes of H x W from a (K, H, W) uint8 tensor, pointing into the file's mapping (no copy).
std::vector<cv::Mat> read_planes(const io::SafetensorsReader& file, const io::TensorInfo& info,
                                 const std::shared_ptr<const uint8_t>& data) {
  if (info.dtype != io::DType::kU8 || info.shape.size() != 3) {
    throw DataError(where(file, info.name) + "expected uint8 (K, H, W), got " +
                    std::string(io::dtype_name(info.dtype)) + " of rank " + std::to_string(info.shape.size()));
  }
  const int k = static_cast<int>(info.shape[0]), h = static_cast<int>(info.shape[1]),
            w = static_cast<int>(info.shape[2]);
  auto* bytes = const_cast<uint8_t*>(data.get() + info.data_begin);  // read-only pages: never written
  std::vector<cv::Mat> planes;
  for (int c = 0; c < k; ++c) planes.push_back(cv::Mat(h, w, CV_8U, bytes + size_t(c) * h * w));
  return planes;
}

// K float32 class probabilities; `classes` 0: any K.
std::vector<float> read_labels(const io::SafetensorsReader& file, const io::TensorInfo& info, int64_t classes) {
  if (info.dtype != io::DType::kF32 || info.shape.size() != 1 || (classes > 0 && info.shape[0] != classes)) {
    throw DataError(where(file, info.name) + "expected float32 of shape (" +
                    (classes > 0 ? std::to_string(classes) : std::string("K")) + ")");
  }
  std::vector<float> labels(static_cast<size_t>(info.shape[0]));
  file.read(info, labels.data());
  return labels;
}

void read_file_into(const fs::path& path, OofData& out, std::map<std::string, fs::path>& seen) {
  io::SafetensorsReader file(path);
  const auto format = file.metadata().find("format");
  if (format == file.metadata().end() || format->second != kFormat) {
    throw DataError(path.string() + ": not an out-of-fold file (metadata format must be '" +
                    std::string(kFormat) + "'; training writes fold<k>/oof.safetensors)");
  }
  if (const auto mode = file.metadata().find("mode"); mode != file.metadata().end() && mode->second == "multiclass") {
    throw ConfigError(path.string() + ": a multiclass model's predictions are the argmax of its softmax: there are no "
                      "per-class thresholds or minimum sizes to tune (docs/training.md, \"Multiclass\")");
  }
  for (const auto& info : file.tensors()) {
    const auto slash = info.name.find('/');
    const std::string kind = info.name.substr(0, slash);
    if (slash == std::string::npos || (kind != "probabilities" && kind != "masks" && kind != "labels")) {
      throw DataError(where(file, info.name) + "unknown tensor (expected probabilities/<id>, masks/<id>, labels/<id>)");
    }
    if (kind == "masks") {
      const std::string probabilities = "probabilities/" + info.name.substr(slash + 1);
      if (!file.contains(probabilities)) throw DataError(where(file, info.name) + "has no '" + probabilities + "'");
    }
  }
  const auto data = file.map_data();
  out.mappings.push_back(data);
  for (const auto& info : file.tensors()) {
    // An image is its probabilities/ entry, or a classifier's labels/ entry alone.
    const std::string id = info.name.substr(info.name.find('/') + 1);
    const bool maps = starts_with(info.name, "probabilities/");
    const bool labels_only = starts_with(info.name, "labels/") && !file.contains("probabilities/" + id);
    if (!maps && !labels_only) continue;
    OofImage image;
    image.id = id;
    if (auto [it, inserted] = seen.emplace(image.id, path); !inserted) {
      throw DataError(where(file, info.name) + "image '" + image.id + "' is also in " + it->second.string());
    }
    const auto count_classes = [&](int64_t k) {
      if (out.num_classes != 0 && k != out.num_classes) {
        throw DataError(where(file, info.name) + std::to_string(k) + " classes, earlier images have " +
                        std::to_string(out.num_classes));
      }
      out.num_classes = static_cast<int>(k);
    };
    if (!maps) {
      image.labels = read_labels(file, info, 0);
      count_classes(static_cast<int64_t>(image.labels.size()));
      out.images.push_back(std::move(image));
      continue;
    }
    image.probabilities = read_planes(file, info, data);
    const std::string mask_name = "masks/" + image.id;
    if (!file.contains(mask_name)) throw DataError(where(file, info.name) + "has no '" + mask_name + "'");
    const auto& mask_info = file.tensor(mask_name);
    if (mask_info.shape != info.shape) {
      throw DataError(where(file, mask_name) + "shape differs from '" + info.name + "'");
    }
    image.masks = read_planes(file, mask_info, data);
    for (const auto& plane : image.masks) {
      double max_value = 0;
      cv::minMaxLoc(plane, nullptr, &max_value);
      if (max_value > 1) throw DataError(where(file, mask_name) + "masks must be 0/1, found " + std::to_string(int(max_value)));
    }
    const int k = static_cast<int>(info.shape[0]);
    count_classes(k);
    if (const std::string label_name = "labels/" + image.id; file.contains(label_name)) {
      image.labels = read_labels(file, file.tensor(label_name), k);
    }
    out.images.push_back(std::move(image));
  }
}

}  // namespace

bool OofData::has_masks() const {
  return !images.empty() &&
         std::all_of(images.begin(), images.end(), [](const OofImage& image) { return !image.probabilities.empty(); });
}

bool OofData::has_labels() const {
  return !images.empty() &&
         std::all_of(images.begin(), images.end(), [](const OofImage& image) { return !image.labels.empty(); });
}

std::vector<fs::path> find_oof_files(const fs::path& run_dir) {
  if (!fs::is_directory(run_dir)) throw DataError("run directory '" + run_dir.string() + "' does not exist");
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(run_dir)) {
    const auto file = entry.path() / "oof.safetensors";
    if (entry.is_directory() && starts_with(entry.path().filename().string(), "fold") && fs::is_regular_file(file)) {
      files.push_back(file);
    }
  }
  if (files.empty()) {
    throw DataError("run directory '" + run_dir.string() +
                    "' has no fold*/oof.safetensors (training writes one per trained fold)");
  }
  std::sort(files.begin(), files.end());
  return files;
}

OofData read_oof(const std::vector<fs::path>& files) {
  OofData out;
  std::map<std::string, fs::path> seen;
  for (const auto& file : files) read_file_into(file, out, seen);
  if (out.images.empty()) throw DataError("no out-of-fold images in " + std::to_string(files.size()) + " file(s)");
  return out;
}

OofData read_oof(const fs::path& file) { return read_oof(std::vector<fs::path>{file}); }

}  // namespace segkit::postprocess
