#include "segkit/io/dicom.h"

#include <gdcmDataSet.h>
#include <gdcmImage.h>
#include <gdcmImageApplyLookupTable.h>
#include <gdcmImageChangePhotometricInterpretation.h>
#include <gdcmImageChangePlanarConfiguration.h>
#include <gdcmImageReader.h>
#include <gdcmReader.h>
#include <opencv2/core.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <vector>

#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/io/dicom_internal.h"

namespace segkit::io {
namespace {

namespace fs = std::filesystem;

const gdcm::Tag kPixelData(0x7fe0, 0x0010);
const gdcm::Tag kRescaleIntercept(0x0028, 0x1052);
const gdcm::Tag kRescaleSlope(0x0028, 0x1053);
const gdcm::Tag kWindowCenter(0x0028, 0x1050);
const gdcm::Tag kWindowWidth(0x0028, 0x1051);
const gdcm::Tag kVoiLutFunction(0x0028, 0x1056);

std::string trimmed(std::string text) {
  // DICOM pads string values to an even length with a space (or NUL for UIDs).
  const auto is_pad = [](unsigned char c) { return c == '\0' || std::isspace(c); };
  while (!text.empty() && is_pad(text.back())) text.pop_back();
  size_t start = 0;
  while (start < text.size() && is_pad(text[start])) ++start;
  return text.substr(start);
}

std::string string_value(const gdcm::DataSet& dataset, const gdcm::Tag& tag) {
  if (!dataset.FindDataElement(tag)) return {};
  const gdcm::ByteValue* bytes = dataset.GetDataElement(tag).GetByteValue();
  if (bytes == nullptr || bytes->GetPointer() == nullptr) return {};
  return trimmed(std::string(bytes->GetPointer(), bytes->GetLength()));
}

std::string tag_name(const gdcm::Tag& tag) {
  char text[16];
  std::snprintf(text, sizeof(text), "(%04X,%04X)", tag.GetGroup(), tag.GetElement());
  return text;
}

// Decimal String values may hold several numbers ("40\400" gives one window per VOI): the first is
// the default view, which is what PS3.3 C.11.2.1.2 asks a display to start with.
std::optional<double> first_decimal(const gdcm::DataSet& dataset, const gdcm::Tag& tag,
                                    const fs::path& path) {
  const std::string text = string_value(dataset, tag);
  const std::string first = trimmed(text.substr(0, text.find('\\')));
  if (first.empty()) return std::nullopt;  // Type 2 attributes may be present and empty
  char* end = nullptr;
  const double value = std::strtod(first.c_str(), &end);
  if (end != first.c_str() + first.size() || !std::isfinite(value)) {
    throw DataError(path.string() + ": " + tag_name(tag) + " is '" + text +
                    "', not a decimal number");
  }
  return value;
}

DicomInfo info_of(const gdcm::Image& image, const gdcm::DataSet& dataset, const fs::path& path) {
  DicomInfo info;
  info.cols = static_cast<int>(image.GetDimension(0));
  info.rows = static_cast<int>(image.GetDimension(1));
  info.samples_per_pixel = image.GetPixelFormat().GetSamplesPerPixel();
  info.bits_stored = image.GetPixelFormat().GetBitsStored();
  info.photometric = trimmed(image.GetPhotometricInterpretation().GetString()
                                 ? image.GetPhotometricInterpretation().GetString()
                                 : "");
  info.transfer_syntax =
      trimmed(image.GetTransferSyntax().GetString() ? image.GetTransferSyntax().GetString() : "");
  // From the tags rather than gdcm::Image::GetSlope(): GDCM ignores them for some modalities (MR),
  // and this reader promises to apply what (0028,1052/1053) say.
  info.slope = first_decimal(dataset, kRescaleSlope, path).value_or(1.0);
  info.intercept = first_decimal(dataset, kRescaleIntercept, path).value_or(0.0);
  info.window_center = first_decimal(dataset, kWindowCenter, path);
  info.window_width = first_decimal(dataset, kWindowWidth, path);
  const std::string function = string_value(dataset, kVoiLutFunction);
  info.voi_lut_function = function.substr(0, function.find('\\'));
  return info;
}

[[noreturn]] void throw_unreadable(const std::string& bytes, const fs::path& path) {
  // ImageReader fails alike for "not DICOM" and "DICOM without an image"; a plain parse tells them
  // apart.
  std::istringstream stream(bytes);
  gdcm::Reader reader;
  reader.SetStream(stream);
  if (!reader.Read()) {
    throw DataError("cannot read DICOM file " + path.string() +
                    ": not DICOM, or truncated or corrupt (GDCM cannot parse its data set)");
  }
  if (!reader.GetFile().GetDataSet().FindDataElement(kPixelData)) {
    throw DataError("DICOM file " + path.string() +
                    " has no Pixel Data (7FE0,0010): not an image, or cut short before its pixels");
  }
  throw DataError("DICOM file " + path.string() +
                  ": GDCM cannot interpret its image attributes (rows, columns, bits, photometric "
                  "interpretation)");
}

struct Loaded {
  std::istringstream stream;
  gdcm::ImageReader reader;
  DicomInfo info;
};

// The reader owns the pixel bytes and the data set the image refers to, hence one object for both.
void load(const fs::path& path, Loaded& loaded) {
  std::error_code error;
  if (!fs::is_regular_file(path, error)) throw IoError("DICOM file not found: " + path.string());
  // One read for the framing check and GDCM, so both judge the same bytes.
  const std::string bytes = read_file(path);
  if (bytes.empty()) throw DataError("not a DICOM file: " + path.string() + " is empty");
  dicom_detail::check_framing(bytes, path);
  loaded.stream.str(bytes);
  loaded.reader.SetStream(loaded.stream);
  if (!loaded.reader.Read()) throw_unreadable(bytes, path);
  const gdcm::Image& image = loaded.reader.GetImage();
  loaded.info = info_of(image, loaded.reader.GetFile().GetDataSet(), path);
  if (image.GetNumberOfDimensions() == 3 && image.GetDimension(2) > 1) {
    throw DataError(
        "DICOM file " + path.string() + " has " + std::to_string(image.GetDimension(2)) +
        " frames; segkit reads single-frame images (split the file into one file per frame)");
  }
}

// Brings colour data to 8-bit RGB, interleaved: palette and YBR data need GDCM's own conversions.
gdcm::Image to_rgb(const gdcm::Image& image, const fs::path& path) {
  using PI = gdcm::PhotometricInterpretation;
  gdcm::Image rgb = image;
  const PI::PIType pi = image.GetPhotometricInterpretation();
  const auto fail = [&](const std::string& step) {
    return DataError("DICOM file " + path.string() + ": GDCM could not " + step +
                     " (photometric interpretation " +
                     std::string(image.GetPhotometricInterpretation().GetString()) + ")");
  };
  if (pi == PI::PALETTE_COLOR) {
    gdcm::ImageApplyLookupTable lut;
    lut.SetInput(rgb);
    lut.SetRGB8(true);
    if (!lut.Apply()) throw fail("apply the palette");
    rgb = lut.GetOutput();
  } else if (pi == PI::YBR_FULL || pi == PI::YBR_FULL_422 || pi == PI::YBR_PARTIAL_422 ||
             pi == PI::YBR_PARTIAL_420) {
    gdcm::ImageChangePhotometricInterpretation change;
    change.SetInput(rgb);
    change.SetPhotometricInterpretation(PI::RGB);
    if (!change.Change()) throw fail("convert YBR to RGB");
    rgb = change.GetOutput();
  } else if (pi != PI::RGB && pi != PI::YBR_ICT && pi != PI::YBR_RCT) {
    // YBR_ICT/RCT exist only in JPEG 2000, whose decoder already undoes the colour transform.
    throw DataError("DICOM file " + path.string() + ": photometric interpretation " +
                    std::string(image.GetPhotometricInterpretation().GetString()) +
                    " is not supported (MONOCHROME1/2, RGB, YBR_*, PALETTE COLOR are)");
  }
  if (rgb.GetPlanarConfiguration() != 0) {
    gdcm::ImageChangePlanarConfiguration interleave;
    interleave.SetInput(rgb);
    interleave.SetPlanarConfiguration(0);
    if (!interleave.Change()) throw fail("interleave the colour planes");
    rgb = interleave.GetOutput();
  }
  return rgb;
}

void decode(const gdcm::Image& image, char* out, size_t bytes, const fs::path& path) {
  if (image.GetBufferLength() != bytes) {
    throw DataError("DICOM file " + path.string() + ": pixel data decodes to " +
                    std::to_string(image.GetBufferLength()) + " bytes, the header announces " +
                    std::to_string(bytes) + " (" + image.GetPixelFormat().GetScalarTypeAsString() +
                    ")");
  }
  if (!image.GetBuffer(out)) {
    throw DataError("cannot decode the pixel data of DICOM file " + path.string() +
                    " (transfer syntax " + std::string(image.GetTransferSyntax().GetString()) +
                    "): corrupt or truncated, or a compression GDCM was built without");
  }
}

template <typename T>
cv::Mat modality_values(const gdcm::Image& image, const DicomInfo& info, const fs::path& path) {
  std::vector<T> stored(static_cast<size_t>(info.rows) * info.cols);
  decode(image, reinterpret_cast<char*>(stored.data()), stored.size() * sizeof(T), path);
  // float holds every 16-bit value times a slope exactly enough for display and training.
  cv::Mat values(info.rows, info.cols, CV_32FC1);
  float* out = values.ptr<float>();
  for (size_t i = 0; i < stored.size(); ++i) {
    out[i] = static_cast<float>(static_cast<double>(stored[i]) * info.slope + info.intercept);
  }
  return values;
}

cv::Mat grey_values(const gdcm::Image& image, const DicomInfo& info, const fs::path& path) {
  switch (image.GetPixelFormat().GetScalarType()) {
    case gdcm::PixelFormat::UINT8:
      return modality_values<uint8_t>(image, info, path);
    case gdcm::PixelFormat::INT8:
      return modality_values<int8_t>(image, info, path);
    case gdcm::PixelFormat::UINT16:
      return modality_values<uint16_t>(image, info, path);
    case gdcm::PixelFormat::INT16:
      return modality_values<int16_t>(image, info, path);
    case gdcm::PixelFormat::UINT32:
      return modality_values<uint32_t>(image, info, path);
    case gdcm::PixelFormat::INT32:
      return modality_values<int32_t>(image, info, path);
    default:
      throw DataError("DICOM file " + path.string() + ": pixel format " +
                      image.GetPixelFormat().GetScalarTypeAsString() +
                      " is not supported (8, 16 or 32 bits allocated are)");
  }
}

enum class VoiFunction { kLinear, kLinearExact, kSigmoid };

struct Window {
  double center, width;
  VoiFunction function;
};

// A window the function cannot use: LINEAR divides by width - 1, the others by width.
bool usable(double width, VoiFunction function) {
  return function == VoiFunction::kLinear ? width >= 1.0 : width > 0.0;
}

std::optional<Window> window_of(const DicomInfo& info, const DicomOptions& options,
                                const fs::path& path) {
  const bool overridden = options.window_center || options.window_width;
  const std::optional<double> center =
      options.window_center ? options.window_center : info.window_center;
  const std::optional<double> width =
      options.window_width ? options.window_width : info.window_width;
  if (!overridden && (!center || !width)) return std::nullopt;
  VoiFunction function = VoiFunction::kLinear;
  if (info.voi_lut_function == "LINEAR_EXACT")
    function = VoiFunction::kLinearExact;
  else if (info.voi_lut_function == "SIGMOID")
    function = VoiFunction::kSigmoid;
  else if (!info.voi_lut_function.empty() && info.voi_lut_function != "LINEAR") {
    throw DataError("DICOM file " + path.string() + ": VOI LUT Function (0028,1056) '" +
                    info.voi_lut_function + "' is not LINEAR, LINEAR_EXACT or SIGMOID");
  }
  if (overridden) {
    if (!center || !width) {
      throw ConfigError("DICOM window override for " + path.string() + ": the file has no Window " +
                        (center ? "Width" : "Center") +
                        "; set window_center and window_width together");
    }
    if (!usable(*width, function)) {
      throw ConfigError("DICOM window override for " + path.string() + ": window width " +
                        std::to_string(*width) + " must be " +
                        (function == VoiFunction::kLinear ? ">= 1" : "> 0"));
    }
    return Window{*center, *width, function};
  }
  // The standard forbids such widths; files that carry one anyway are shown as if they had no
  // window.
  if (!usable(*width, function)) return std::nullopt;
  return Window{*center, *width, function};
}

// PS3.3 C.11.2.1.2 with output range 0..255.
double voi(double x, const Window& w) {
  const double c = w.center, width = w.width;
  switch (w.function) {
    case VoiFunction::kLinear:
      if (x <= c - 0.5 - (width - 1) / 2) return 0.0;
      if (x > c - 0.5 + (width - 1) / 2) return 255.0;
      return ((x - (c - 0.5)) / (width - 1) + 0.5) * 255.0;
    case VoiFunction::kLinearExact:
      if (x <= c - width / 2) return 0.0;
      if (x > c + width / 2) return 255.0;
      return ((x - c) / width + 0.5) * 255.0;
    case VoiFunction::kSigmoid:
      return 255.0 / (1.0 + std::exp(-4.0 * (x - c) / width));
  }
  return 0.0;
}

uint8_t to_byte(double y) {
  return static_cast<uint8_t>(std::floor(std::clamp(y, 0.0, 255.0) + 0.5));
}

cv::Mat to_display(const cv::Mat& values, const std::optional<Window>& window, bool invert) {
  cv::Mat out(values.size(), CV_8UC1);
  const float* in = values.ptr<float>();
  uint8_t* dst = out.ptr<uint8_t>();
  const size_t count = values.total();
  if (window) {
    for (size_t i = 0; i < count; ++i) dst[i] = to_byte(voi(in[i], *window));
  } else {
    double lo = 0.0, hi = 0.0;
    cv::minMaxLoc(values, &lo, &hi);
    const double scale = hi > lo ? 255.0 / (hi - lo) : 0.0;
    for (size_t i = 0; i < count; ++i) dst[i] = to_byte((in[i] - lo) * scale);
  }
  if (invert) cv::subtract(cv::Scalar::all(255), out, out);
  return out;
}

cv::Mat colour_image(const gdcm::Image& image, const DicomInfo& info, const fs::path& path) {
  const gdcm::Image rgb = to_rgb(image, path);
  const gdcm::PixelFormat& format = rgb.GetPixelFormat();
  if (format.GetSamplesPerPixel() != 3 || format.GetPixelRepresentation() != 0 ||
      (format.GetBitsAllocated() != 8 && format.GetBitsAllocated() != 16)) {
    throw DataError("DICOM file " + path.string() + ": colour pixel format " +
                    format.GetScalarTypeAsString() + " x" +
                    std::to_string(format.GetSamplesPerPixel()) +
                    " is not supported (unsigned 8 or 16 bits are)");
  }
  if (format.GetBitsAllocated() == 8) {
    cv::Mat out(info.rows, info.cols, CV_8UC3);
    decode(rgb, reinterpret_cast<char*>(out.data), out.total() * out.elemSize(), path);
    return out;
  }
  std::vector<uint16_t> wide(static_cast<size_t>(info.rows) * info.cols * 3);
  decode(rgb, reinterpret_cast<char*>(wide.data()), wide.size() * sizeof(uint16_t), path);
  cv::Mat out;
  const double full_scale = std::ldexp(1.0, std::clamp<int>(format.GetBitsStored(), 1, 16)) - 1.0;
  cv::Mat(info.rows, info.cols, CV_16UC3, wide.data()).convertTo(out, CV_8U, 255.0 / full_scale);
  return out;
}

}  // namespace

DicomImage read_dicom(const fs::path& path, const DicomOptions& options) {
  Loaded loaded;
  load(path, loaded);
  const gdcm::Image& image = loaded.reader.GetImage();
  DicomImage result;
  result.info = loaded.info;
  const auto pi = image.GetPhotometricInterpretation();
  const bool grey = pi == gdcm::PhotometricInterpretation::MONOCHROME1 ||
                    pi == gdcm::PhotometricInterpretation::MONOCHROME2;
  if (!grey) {
    result.image = colour_image(image, result.info, path);
    return result;
  }
  if (image.GetPixelFormat().GetSamplesPerPixel() != 1) {
    throw DataError("DICOM file " + path.string() + ": " + result.info.photometric + " with " +
                    std::to_string(image.GetPixelFormat().GetSamplesPerPixel()) +
                    " samples per pixel (1 expected)");
  }
  cv::Mat values = grey_values(image, result.info, path);
  if (!options.apply_window) {
    result.image = values;
    return result;
  }
  const bool invert = pi == gdcm::PhotometricInterpretation::MONOCHROME1;
  result.image = to_display(values, window_of(result.info, options, path), invert);
  return result;
}

DicomInfo read_dicom_info(const fs::path& path) {
  Loaded loaded;
  load(path, loaded);
  return loaded.info;
}

bool is_dicom_file(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return ext == ".dcm" || ext == ".dicom";
}

}  // namespace segkit::io
