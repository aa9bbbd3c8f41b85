#include "segkit/submit/submission_writer.h"

#include <opencv2/imgproc.hpp>

#include <opencv2/core.hpp>

#include <fstream>
#include <unordered_map>

#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/io/rle.h"

namespace segkit::submit {
namespace fs = std::filesystem;

std::vector<MaskFingerprint> mask_fingerprints(const cv::Mat& masks) {
  std::vector<cv::Mat> planes;
  cv::split(masks, planes);
  std::vector<MaskFingerprint> out;
  for (const auto& plane : planes) {
    MaskFingerprint print{14695981039346656037ull, 0};  // FNV-1a
    for (int y = 0; y < plane.rows; ++y) {
      const uint8_t* row = plane.ptr<uint8_t>(y);
      for (int x = 0; x < plane.cols; ++x) {
        const uint8_t on = row[x] != 0;
        print.pixels += on;
        print.hash = (print.hash ^ on) * 1099511628211ull;
      }
    }
    out.push_back(print);
  }
  return out;
}

void verify_submission(const fs::path& csv, SubmissionFormat format, const PredictionIndex& index,
                       const SubmissionCheck& expected) {
  const std::string prefix = "self-check failed: " + csv.string();
  const SubmissionFile file = read_submission(csv, format, index.classes);
  if (file.entries.size() != expected.rows)
    throw Error(prefix + " has " + std::to_string(file.entries.size()) + " rows, " + std::to_string(expected.rows) +
                " were written");
  if (file.image_keys.size() > index.images.size())
    throw Error(prefix + " names " + std::to_string(file.image_keys.size()) + " images, the predictions " +
                std::to_string(index.images.size()));
  for (size_t i = 0; i < index.images.size(); ++i) {
    const auto& image = index.images[i];
    const std::string key = submission_image_key(format, image.id);
    const auto decoded = mask_fingerprints(file.decode(key, image.height, image.width));
    for (size_t c = 0; c < decoded.size(); ++c) {
      if (decoded[c] == expected.masks.at(i).at(c)) continue;
      const auto found = file.image_index.find(key);
      const std::string line =
          found == file.image_index.end() ? "" : ":" + std::to_string(file.entries[file.entries_of_image[found->second].front()].line);
      throw Error(prefix + line + ": image '" + image.id + "' class '" + index.classes[c] + "' decodes to " +
                  std::to_string(decoded[c].pixels) + " pixels that differ from the predicted mask (" +
                  std::to_string(expected.masks[i][c].pixels) + " pixels)");
    }
  }
}

namespace {

struct Row {
  size_t image = 0;
  size_t cls = 0;
};

// Without a sample: prediction order, every class (generic: only non-empty masks, decided later).
std::vector<Row> plan_rows(const PredictionIndex& index, const SubmissionOptions& options) {
  const bool siim = options.format == SubmissionFormat::kSiim;
  std::vector<Row> rows;
  std::unordered_map<std::string, size_t> by_key;
  for (size_t i = 0; i < index.images.size(); ++i)
    by_key.emplace(submission_image_key(options.format, index.images[i].id), i);
  if (options.sample_submission.empty()) {
    for (size_t i = 0; i < index.images.size(); ++i)
      for (size_t c = 0; c < (siim ? 1 : index.classes.size()); ++c) rows.push_back({i, c});
    return rows;
  }
  const std::string sample_name = options.sample_submission.string();
  const SubmissionFile sample = read_submission(options.sample_submission, options.format, index.classes);
  std::vector<size_t> image_of_key(sample.image_keys.size());
  for (size_t k = 0; k < sample.image_keys.size(); ++k) {
    const auto found = by_key.find(sample.image_keys[k]);
    if (found == by_key.end()) {
      const size_t line = sample.entries[sample.entries_of_image[k].front()].line;
      throw DataError(sample_name + ":" + std::to_string(line) + ": image '" + sample.image_keys[k] +
                      "' has no prediction; every image of the sample submission must be predicted");
    }
    image_of_key[k] = found->second;
  }
  for (const auto& image : index.images) {
    if (!sample.image_index.count(submission_image_key(options.format, image.id)))
      throw DataError("prediction '" + image.id + "' is not in the sample submission " + sample_name +
                      "; predict exactly the sample's images");
  }
  if (options.format == SubmissionFormat::kGeneric) {
    for (size_t k = 0; k < sample.image_keys.size(); ++k)
      for (size_t c = 0; c < index.classes.size(); ++c) rows.push_back({image_of_key[k], c});
    return rows;
  }
  std::vector<bool> seen(index.images.size() * index.classes.size(), false);
  for (const auto& entry : sample.entries) {
    const Row row{image_of_key[entry.image], entry.cls};
    const size_t slot = row.image * index.classes.size() + row.cls;
    if (seen[slot])
      throw DataError(sample_name + ":" + std::to_string(entry.line) + ": image '" + sample.image_keys[entry.image] +
                      "' class '" + index.classes[entry.cls] + "' is listed twice");
    seen[slot] = true;
    rows.push_back(row);
  }
  return rows;
}

std::string csv_key(const PredictionImage& image, size_t cls, const PredictionIndex& index, SubmissionFormat format) {
  const std::string id = submission_image_key(format, image.id);
  if (id.find_first_of(",\"\r\n") != std::string::npos)
    throw DataError("image id '" + image.id + "' contains a comma, quote or line break; a submission cannot hold it");
  switch (format) {
    case SubmissionFormat::kSeverstal: return id + "_" + std::to_string(cls + 1);
    case SubmissionFormat::kClouds: return id + "_" + index.classes[cls];
    case SubmissionFormat::kSiim: return id;
    case SubmissionFormat::kGeneric: return id + "," + index.classes[cls];
  }
  return id;
}

}  // namespace

SubmissionSummary write_submission(const fs::path& path, const PredictionIndex& index, const MaskReader& masks,
                                   const SubmissionOptions& options) {
  check_submission_classes(options.format, index.classes);
  const std::vector<Row> plan = plan_rows(index, options);
  const size_t classes = index.classes.size();
  // RLE text per (image, class), encoded once per image so each mask is read once.
  std::vector<std::string> rles(index.images.size() * classes);
  SubmissionCheck check;
  std::vector<cv::Mat> planes;
  for (size_t i = 0; i < index.images.size(); ++i) {
    const auto& image = index.images[i];
    const cv::Mat mask = masks(i);
    if (mask.rows != image.height || mask.cols != image.width || mask.channels() != static_cast<int>(classes) ||
        mask.depth() != CV_8U)
      throw ShapeError("prediction '" + image.id + "': mask is " + std::to_string(mask.rows) + "x" +
                       std::to_string(mask.cols) + "x" + std::to_string(mask.channels()) + ", expected CV_8U " +
                       std::to_string(image.height) + "x" + std::to_string(image.width) + "x" + std::to_string(classes));
    check.masks.push_back(mask_fingerprints(mask));
    cv::split(mask, planes);
    for (size_t c = 0; c < classes; ++c) {
      std::string& out = rles[i * classes + c];
      if (options.format == SubmissionFormat::kSiim) {
        io::append_siim_rle(out, planes[c].data, image.height, image.width);
      } else {
        io::append_kaggle_rle(out, planes[c].data, image.height, image.width);
      }
    }
  }
  SubmissionSummary summary;
  summary.images = index.images.size();
  write_atomic_with(path, [&](const fs::path& temp) {
    std::ofstream out(temp, std::ios::binary);
    out << submission_header(options.format) << '\n';
    for (const Row& row : plan) {
      const std::string& rle = rles[row.image * classes + row.cls];
      const bool empty = rle.empty() || rle == "-1";
      if (options.format == SubmissionFormat::kGeneric && empty) continue;
      out << csv_key(index.images[row.image], row.cls, index, options.format) << ',' << rle << '\n';
      ++summary.rows;
      summary.non_empty_rows += !empty;
    }
    out.close();
    if (!out) throw IoError("cannot write " + temp.string() + " (for " + path.string() + ")");
    check.rows = summary.rows;
    try {
      verify_submission(temp, options.format, index, check);
    } catch (const Error& error) {
      throw Error(std::string(error.what()) + " (while writing " + path.string() + "; it was left unchanged)");
    }
  });
  return summary;
}

SubmissionSummary write_submission_from_dir(const fs::path& pred_dir, const fs::path& path,
                                            const SubmissionOptions& options) {
  const PredictionIndex stored = read_prediction_index(pred_dir);
  require_masks(stored, pred_dir, "a submission");
  if (options.size.empty()) {
    return write_submission(path, stored, [&](size_t i) {
      return read_prediction_masks(pred_dir, stored.images[i], stored.classes);
    }, options);
  }
  PredictionIndex resized = stored;
  for (auto& image : resized.images) image.height = options.size.height, image.width = options.size.width;
  return write_submission(path, resized, [&](size_t i) {
    std::vector<cv::Mat> planes;
    cv::split(read_prediction_masks(pred_dir, stored.images[i], stored.classes), planes);
    for (auto& plane : planes) cv::resize(plane, plane, options.size, 0, 0, cv::INTER_NEAREST);
    cv::Mat masks;
    cv::merge(planes, masks);
    return masks;
  }, options);
}

}  // namespace segkit::submit
