#pragma once
// Reading and writing images for datasets and predictions, with errors that name the file.
// Colour images come back RGB (albumentations' convention; OpenCV decodes BGR), 8-bit, 16-bit or
// float32 as stored (other sample types are refused); greyscale stays 1 channel. Formats: PNG, JPEG,
// TIFF (one page; multi-page files are refused), BMP, PPM/PGM/PBM, GIF (giflib: OpenCV 4.6 has no GIF
// codec; one frame) and DICOM (.dcm, .dicom, through read_dicom: 8-bit, rescaled and windowed).
//
//   cv::Mat image = segkit::io::read_image("train/0002cc93b.jpg");          // RGB, CV_8UC3
//   cv::Mat mask = segkit::io::read_image("masks/a.png", ImageMode::kGray); // CV_8UC1
//   segkit::io::write_png("pred/a.png", mask);                               // atomic

#include <opencv2/core/mat.hpp>

#include <filesystem>

namespace segkit::io {

enum class ImageMode {
  kAsStored,  ///< 1 channel stays 1, colour becomes RGB, alpha dropped; bit depth kept
  kColor,     ///< always 3-channel RGB, bit depth kept
  kGray,      ///< always 1 channel (luma of colour images, as PIL's convert("L")), bit depth kept
};

/// IoError when the file is missing, DataError when it cannot be decoded (corrupt, truncated,
/// unsupported format).
cv::Mat read_image(const std::filesystem::path& path, ImageMode mode = ImageMode::kAsStored);

/// read_image's decoding of an encoded image held in memory (e.g. LabelMe's embedded imageData);
/// `what` names it in errors. Images whose header announces more than max_image_pixels()
/// (image_header.h) are refused before decoding.
cv::Mat decode_image(const std::string& bytes, const std::string& what, ImageMode mode = ImageMode::kAsStored);

/// Encodes by extension (.png, .jpg, .tif, .bmp) and writes atomically (temp file + rename). Images
/// with 3 channels are taken as RGB. DataError for an unsupported extension (DICOM included) or depth.
void write_image(const std::filesystem::path& path, const cv::Mat& image);

/// The image file extensions datasets look for: .png .jpg .jpeg .tif .tiff .bmp .gif .ppm .pgm .pbm
/// .pnm .dcm .dicom (any case).
bool is_image_file(const std::filesystem::path& path);

}  // namespace segkit::io
