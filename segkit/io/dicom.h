#pragma once
// Reading DICOM images (SIIM pneumothorax ships its chest X-rays as .dcm) into cv::Mat, through
// GDCM, so every transfer syntax GDCM decodes (raw, RLE, JPEG, JPEG-LS, JPEG 2000) works.
//
// A grey image goes through the DICOM display pipeline (PS3.3 C.11), in this order:
//   1. Modality LUT: value = stored * Rescale Slope (0028,1053) + Rescale Intercept (0028,1052)
//      (slope 1 and intercept 0 when absent);
//   2. VOI LUT: Window Center/Width (0028,1050/1051; the first value when there are several) mapped
//      to 0..255 by the VOI LUT Function (0028,1056): LINEAR (the default, C.11.2.1.2.1),
//      LINEAR_EXACT or SIGMOID; without a usable window, the image's own min..max is stretched to
//      0..255;
//   3. MONOCHROME1 is inverted (255 - v), so bright means dense as in MONOCHROME2.
// Colour images (RGB, YBR_*, PALETTE COLOR) come back RGB CV_8UC3; the steps above are grey-only.
//
//   auto dicom = segkit::io::read_dicom("siim/train/1.2.276.0.7230010.3.1.4.8323329.1000.dcm");
//   dicom.image;                 // CV_8UC1, windowed
//   dicom.info.window_center;    // what the file said
//   segkit::io::DicomOptions raw;
//   raw.apply_window = false;
//   cv::Mat hu = segkit::io::read_dicom("ct.dcm", raw).image;  // CV_32FC1 Hounsfield units
//
// read_image() (image_io.h) sends .dcm/.dicom files here with the default options.

#include <opencv2/core/mat.hpp>

#include <filesystem>
#include <optional>
#include <string>

namespace segkit::io {

struct DicomOptions {
  /// false: a grey image comes back as CV_32FC1 modality values (after slope/intercept), without
  /// windowing or MONOCHROME1 inversion, which would change what the numbers mean (e.g. Hounsfield
  /// units). Colour images are unaffected.
  bool apply_window{true};
  /// Replace the file's Window Center / Width (each alone, or both). An override that leaves only
  /// one of the two known, or a width below 1, is a ConfigError.
  std::optional<double> window_center{};
  std::optional<double> window_width{};
};

/// What read_dicom used from the header, for inspection.
struct DicomInfo {
  int rows{};
  int cols{};
  int samples_per_pixel{};
  int bits_stored{};
  std::string photometric{};  ///< as in the file: MONOCHROME1, MONOCHROME2, RGB, YBR_FULL_422 ...
  std::string transfer_syntax{};  ///< UID, e.g. 1.2.840.10008.1.2.4.50 (JPEG baseline)
  double slope{1.0};
  double intercept{0.0};
  std::optional<double> window_center{};  ///< first value of (0028,1050); absent when the tag is
  std::optional<double> window_width{};   ///< first value of (0028,1051)
  std::string voi_lut_function{};         ///< (0028,1056) as written; empty when absent (LINEAR)
};

struct DicomImage {
  cv::Mat image;  ///< CV_8UC1 grey, CV_8UC3 RGB, or CV_32FC1 with apply_window = false
  DicomInfo info;
};

/// IoError when the file is missing; DataError naming the file and the reason when it is not DICOM,
/// is truncated, has no (decodable) pixel data, several frames, or a layout segkit does not handle.
DicomImage read_dicom(const std::filesystem::path& path, const DicomOptions& options = {});

/// The header fields alone, without decoding the pixel data. Same errors as read_dicom.
DicomInfo read_dicom_info(const std::filesystem::path& path);

/// Whether the extension is .dcm or .dicom (any case).
bool is_dicom_file(const std::filesystem::path& path);

}  // namespace segkit::io
