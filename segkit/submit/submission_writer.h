#pragma once
// Writes a Kaggle submission CSV from predicted masks, in the order of an optional sample submission,
// and proves it: before the temp file is renamed into place, every row is read back and decoded and
// each (image, class) mask is compared with the one it was given, by fingerprint (a 64-bit hash of
// the 0/1 pixels plus the pixel count), so the masks need not stay in memory. A failed check is an
// Error and leaves the previous file in place.
//
//   SubmissionOptions options;
//   options.format = SubmissionFormat::kSeverstal;
//   options.sample_submission = "sample_submission.csv";
//   write_submission_from_dir("pred", "submission.csv", options);

#include <opencv2/core/mat.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <vector>

#include "segkit/submit/prediction_dir.h"
#include "segkit/submit/submission_format.h"

namespace segkit::submit {

struct SubmissionOptions {
  SubmissionFormat format = SubmissionFormat::kSeverstal;
  std::filesystem::path sample_submission{};  // empty: rows in prediction order
  /// write_submission_from_dir: masks resized (nearest) to this size before encoding (the SIIM
  /// pipelines post-processed at 256x256 and submitted 1024x1024); empty: as predicted.
  cv::Size size{};
};

struct SubmissionSummary {
  size_t images = 0;
  size_t rows = 0;
  size_t non_empty_rows = 0;
};

struct MaskFingerprint {
  uint64_t hash = 0;
  int64_t pixels = 0;
  bool operator==(const MaskFingerprint& other) const { return hash == other.hash && pixels == other.pixels; }
  bool operator!=(const MaskFingerprint& other) const { return !(*this == other); }
};

/// Per channel of an H x W x K CV_8U mask (nonzero = foreground).
std::vector<MaskFingerprint> mask_fingerprints(const cv::Mat& masks);

/// What a written file must decode to: per index image, per class, and the row count.
struct SubmissionCheck {
  std::vector<std::vector<MaskFingerprint>> masks{};
  size_t rows = 0;
};

/// The self-check on its own: Error ("self-check failed ...", naming the file and line) when the
/// CSV does not decode to exactly `expected` at the index's image sizes.
void verify_submission(const std::filesystem::path& csv, SubmissionFormat format, const PredictionIndex& index,
                       const SubmissionCheck& expected);

/// masks(i): H x W x K CV_8U for index.images[i] (nonzero = foreground); called once per image.
using MaskReader = std::function<cv::Mat(size_t image)>;

/// Writes `path` atomically. DataError naming the sample file and the first id it lists that the
/// predictions lack (or the first prediction it does not list); ShapeError for a mask whose size
/// or channel count differs from the index.
SubmissionSummary write_submission(const std::filesystem::path& path, const PredictionIndex& index,
                                   const MaskReader& masks, const SubmissionOptions& options);

/// write_submission over a prediction directory (prediction_dir.h).
SubmissionSummary write_submission_from_dir(const std::filesystem::path& pred_dir, const std::filesystem::path& path,
                                            const SubmissionOptions& options);

}  // namespace segkit::submit
