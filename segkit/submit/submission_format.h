#pragma once
// Kaggle submission CSV formats and their reader (docs/pipeline.md, "Submission"):
//
//   format     header                            one row per              empty mask
//   severstal  ImageId_ClassId,EncodedPixels     <id>_<1-based class>     ""   (Kaggle RLE)
//   clouds     Image_Label,EncodedPixels         <id>_<class name>        ""   (Kaggle RLE)
//   siim       ImageId,EncodedPixels             <id without extension>   "-1" (relative RLE, 1 class)
//   generic    ImageId,ClassId,EncodedPixels     non-empty (id, class)    no row
//
// generic writes class names and only non-empty masks, as Severstal's re-released train.csv does,
// so `format: rle_csv` reads it back as a dataset. The reader unites rows that name the same image
// and class (SIIM lists one row per region), so it decodes training CSVs as well as submissions.
//
//   auto file = read_submission("submission.csv", SubmissionFormat::kSeverstal, {"1", "2", "3", "4"});
//   cv::Mat masks = file.decode(submission_image_key(file.format, "0002cc93b.jpg"), 256, 1600);

#include <opencv2/core/mat.hpp>

#include <cstddef>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

namespace segkit::submit {

enum class SubmissionFormat { kSeverstal, kClouds, kSiim, kGeneric };

/// "severstal", "clouds", "siim" or "generic"; ConfigError with did-you-mean otherwise.
SubmissionFormat parse_submission_format(const std::string& name);
std::string to_string(SubmissionFormat format);
std::vector<std::string> submission_format_names();

/// The header line (without newline) the writer emits.
std::string submission_header(SubmissionFormat format);
/// How the CSV names an image: the id, or for siim the id without its image extension.
std::string submission_image_key(SubmissionFormat format, const std::string& id);
/// ConfigError when the format cannot hold these classes (siim: exactly one class).
void check_submission_classes(SubmissionFormat format, const std::vector<std::string>& classes);

struct SubmissionEntry {
  size_t image = 0;   // index into SubmissionFile::image_keys
  size_t cls = 0;     // channel index
  std::string rle{};
  size_t line = 0;    // 1-based CSV line, for messages
};

struct SubmissionFile {
  std::filesystem::path source{};
  SubmissionFormat format = SubmissionFormat::kSeverstal;
  std::vector<std::string> classes{};
  std::vector<std::string> image_keys{};  // in order of first appearance
  std::unordered_map<std::string, size_t> image_index{};
  std::vector<SubmissionEntry> entries{};  // CSV order
  std::vector<std::vector<size_t>> entries_of_image{};

  /// H x W x K CV_8U 0/1; all zero for an image the file does not name. DataError naming
  /// file:line for RLE that does not fit H x W.
  cv::Mat decode(const std::string& image_key, int height, int width) const;
};

/// Parses a submission CSV (IoError/DataError naming the file, line and the valid classes).
SubmissionFile read_submission(const std::filesystem::path& path, SubmissionFormat format,
                               const std::vector<std::string>& classes);

}  // namespace segkit::submit
