#include "segkit/io/image_io.h"

#include "segkit/io/image_header.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cctype>

#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/io/dicom.h"

namespace segkit::io {
namespace {

std::string lowercase_extension(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

}  // namespace

cv::Mat read_image(const std::filesystem::path& path, ImageMode mode) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) throw IoError("image not found: " + path.string());
  if (is_dicom_file(path)) {
    // Windowed to 8 bits: the modality values (up to 16 bits, signed) mean nothing to the transforms.
    cv::Mat image = read_dicom(path).image;
    if (mode == ImageMode::kColor && image.channels() == 1) {
      cv::cvtColor(image, image, cv::COLOR_GRAY2RGB);
    } else if (mode == ImageMode::kGray && image.channels() == 3) {
      cv::cvtColor(image, image, cv::COLOR_RGB2GRAY);
    }
    return image;
  }
  // Decoding from memory keeps the "missing" and "corrupt" cases apart (imread returns empty for both).
  return decode_image(read_file(path), path.string(), mode);
}

cv::Mat decode_image(const std::string& bytes, const std::string& what, ImageMode mode) {
  if (const auto size = image_header_dimensions(bytes)) {
    // Checked before decoding: a few hundred bytes of PNG can announce a 100000 x 100000 image.
    if (size->width == 0 || size->height == 0 || size->width * size->height > max_image_pixels()) {
      throw DataError(what + ": the header announces a " + std::to_string(size->width) + " x " +
                      std::to_string(size->height) + " image, outside 1 .. " + std::to_string(max_image_pixels()) +
                      " pixels (SEGKIT_MAX_IMAGE_PIXELS)");
    }
  }
  const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8U, const_cast<char*>(bytes.data()));
  const int flags = mode == ImageMode::kGray    ? cv::IMREAD_GRAYSCALE
                    : mode == ImageMode::kColor ? cv::IMREAD_COLOR
                                                : cv::IMREAD_UNCHANGED;
  cv::Mat image = bytes.empty() ? cv::Mat() : cv::imdecode(buffer, flags);
  if (image.empty()) throw DataError("cannot decode image " + what + " (corrupt, truncated or not an image)");
  switch (image.channels()) {
    case 1: break;
    case 3: cv::cvtColor(image, image, cv::COLOR_BGR2RGB); break;
    case 4: cv::cvtColor(image, image, cv::COLOR_BGRA2RGB); break;
    default: throw DataError(what + ": unsupported channel count " + std::to_string(image.channels()));
  }
  return image;
}

void write_image(const std::filesystem::path& path, const cv::Mat& image) {
  const std::string ext = lowercase_extension(path);
  if (!is_image_file(path)) throw DataError("cannot write '" + path.string() + "': unsupported image extension");
  if (is_dicom_file(path)) {
    throw DataError("cannot write '" + path.string() + "': segkit reads DICOM but does not write it");
  }
  if (image.empty()) throw DataError("cannot write '" + path.string() + "': empty image");
  // A copy of the header would share the caller's pixels, and cvtColor would then swap them in place.
  cv::Mat bgr;
  if (image.channels() == 3) {
    cv::cvtColor(image, bgr, cv::COLOR_RGB2BGR);
  } else {
    bgr = image;
  }
  std::vector<uint8_t> encoded;
  bool ok = false;
  try {
    ok = cv::imencode(ext, bgr, encoded);
  } catch (const cv::Exception& e) {
    throw DataError("cannot encode '" + path.string() + "': " + e.what());
  }
  if (!ok) throw DataError("cannot encode '" + path.string() + "' as " + ext);
  write_file_atomic(path, std::string_view(reinterpret_cast<const char*>(encoded.data()), encoded.size()));
}

bool is_image_file(const std::filesystem::path& path) {
  const std::string ext = lowercase_extension(path);
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".tif" || ext == ".tiff" || ext == ".bmp" ||
         is_dicom_file(path);
}

}  // namespace segkit::io
