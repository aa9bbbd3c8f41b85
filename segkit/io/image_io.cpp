#include "segkit/io/image_io.h"

#include "segkit/io/image_header.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cctype>

#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/io/dicom.h"
#include "segkit/io/gif.h"

namespace segkit::io {
namespace {

std::string lowercase_extension(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

std::string depth_name(int depth) {
  switch (depth) {
    case CV_8S: return "int8";
    case CV_16S: return "int16";
    case CV_32S: return "int32";
    case CV_64F: return "float64";
    default: return "OpenCV depth " + std::to_string(depth);
  }
}

// DICOM and GIF decode to grey or RGB themselves; this applies the requested mode on top.
cv::Mat convert_channels(cv::Mat image, ImageMode mode) {
  if (mode == ImageMode::kColor && image.channels() == 1) {
    cv::cvtColor(image, image, cv::COLOR_GRAY2RGB);
  } else if (mode == ImageMode::kGray && image.channels() == 3) {
    cv::cvtColor(image, image, cv::COLOR_RGB2GRAY);
  }
  return image;
}

}  // namespace

cv::Mat read_image(const std::filesystem::path& path, ImageMode mode) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) throw IoError("image not found: " + path.string());
  if (is_dicom_file(path)) {
    // Windowed to 8 bits: the modality values (up to 16 bits, signed) mean nothing to the transforms.
    return convert_channels(read_dicom(path).image, mode);
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
  if (is_gif(bytes)) return convert_channels(decode_gif(bytes, what), mode);
  if (const auto pages = tiff_page_count(bytes); pages && *pages > 1) {
    throw DataError(what + " is a multi-page TIFF (" + std::to_string(*pages) +
                    " pages); segkit reads one image per file: split it first (e.g. tiffsplit)");
  }
  const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8U, const_cast<char*>(bytes.data()));
  // ANYDEPTH: OpenCV's grey and colour modes would otherwise shift 16-bit values down to 8 bits,
  // which turns a 16-bit class-index mask (values 0..11) into zeros.
  const int flags = mode == ImageMode::kGray    ? cv::IMREAD_GRAYSCALE | cv::IMREAD_ANYDEPTH
                    : mode == ImageMode::kColor ? cv::IMREAD_COLOR | cv::IMREAD_ANYDEPTH
                                                : cv::IMREAD_UNCHANGED;
  cv::Mat image = bytes.empty() ? cv::Mat() : cv::imdecode(buffer, flags);
  if (image.empty()) throw DataError("cannot decode image " + what + " (corrupt, truncated or not an image)");
  const int depth = image.depth();
  if (depth != CV_8U && depth != CV_16U && depth != CV_32F) {
    throw DataError(what + ": unsupported sample type (" + depth_name(depth) +
                    "); segkit reads 8- and 16-bit unsigned and 32-bit float images");
  }
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
         ext == ".gif" || ext == ".ppm" || ext == ".pgm" || ext == ".pbm" || ext == ".pnm" || is_dicom_file(path);
}

}  // namespace segkit::io
