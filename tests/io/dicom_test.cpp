#include "segkit/io/dicom.h"

#include <gtest/gtest.h>

#include <opencv2/core.hpp>

#include <fstream>
#include <functional>
#include <vector>

#include "segkit/core/error.h"
#include "segkit/io/image_io.h"
#include "tests/support/dicom_writer.h"
#include "tests/support/test_support.h"

namespace segkit::io {
namespace {

using PI = gdcm::PhotometricInterpretation;

std::vector<uint8_t> pixels_of(const cv::Mat& image) {
  const cv::Mat flat = image.isContinuous() ? image : image.clone();
  return std::vector<uint8_t>(flat.data, flat.data + flat.total() * flat.elemSize());
}

std::vector<float> floats_of(const cv::Mat& image) {
  EXPECT_EQ(image.type(), CV_32FC1);
  return std::vector<float>(image.ptr<float>(), image.ptr<float>() + image.total());
}

// Signed 16-bit CT-like data: stored values, slope 2, intercept -100, and two windows of which the
// first (center -40, width 201) is the one applied.
test::DicomSpec ct_spec() {
  test::DicomSpec spec;
  spec.type = gdcm::PixelFormat::INT16;
  spec.slope = 2.0;
  spec.intercept = -100.0;
  spec.window_center = "-40\\400";
  spec.window_width = "201\\1500";
  return spec;
}
// Modality values -180 -100 -60 -20 20 300.
const std::vector<int16_t> kCtStored = {-40, 0, 20, 40, 60, 200};

template <typename T>
void expect_message_has(const std::function<void()>& call, const std::string& part) {
  try {
    call();
    ADD_FAILURE() << "no exception; expected one mentioning " << part;
  } catch (const T& e) {
    EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  }
}

TEST(Dicom, Monochrome2AppliesSlopeInterceptThenTheFirstLinearWindow) {
  test::TempDir dir;
  const auto path = test::write_dicom(dir / "ct.dcm", ct_spec(), kCtStored);
  const DicomImage dicom = read_dicom(path);
  ASSERT_EQ(dicom.image.type(), CV_8UC1);
  ASSERT_EQ(dicom.image.size(), cv::Size(3, 2));
  // LINEAR, c = -40, w = 201: 0 when x <= -140.5, 255 when x > 59.5, else ((x + 40.5) / 200 + 0.5)
  // * 255: -100 -> 51.6375, -60 -> 102.6375, -20 -> 153.6375, 20 -> 204.6375.
  EXPECT_EQ(pixels_of(dicom.image), (std::vector<uint8_t>{0, 52, 103, 154, 205, 255}));

  const DicomInfo& info = dicom.info;
  EXPECT_EQ(info.rows, 2);
  EXPECT_EQ(info.cols, 3);
  EXPECT_EQ(info.samples_per_pixel, 1);
  EXPECT_EQ(info.bits_stored, 16);
  EXPECT_EQ(info.photometric, "MONOCHROME2");
  EXPECT_EQ(info.transfer_syntax, "1.2.840.10008.1.2.1");
  EXPECT_DOUBLE_EQ(info.slope, 2.0);
  EXPECT_DOUBLE_EQ(info.intercept, -100.0);
  EXPECT_EQ(info.window_center, -40.0);
  EXPECT_EQ(info.window_width, 201.0);
  EXPECT_EQ(info.voi_lut_function, "");

  const DicomInfo header = read_dicom_info(path);
  EXPECT_EQ(header.rows, 2);
  EXPECT_EQ(header.window_center, -40.0);
  EXPECT_DOUBLE_EQ(header.slope, 2.0);
}

TEST(Dicom, WithoutWindowingReturnsTheModalityValuesAsFloat) {
  test::TempDir dir;
  const auto path = test::write_dicom(dir / "ct.dcm", ct_spec(), kCtStored);
  DicomOptions options;
  options.apply_window = false;
  EXPECT_EQ(floats_of(read_dicom(path, options).image),
            (std::vector<float>{-180, -100, -60, -20, 20, 300}));

  // Not inverted for MONOCHROME1: the values keep their meaning.
  test::DicomSpec spec;
  spec.photometric = PI::MONOCHROME1;
  spec.intercept = 0.5;
  const auto inverted =
      test::write_dicom(dir / "m1.dcm", spec, std::vector<uint16_t>{0, 1, 2, 3, 4, 65535});
  EXPECT_EQ(floats_of(read_dicom(inverted, options).image),
            (std::vector<float>{0.5, 1.5, 2.5, 3.5, 4.5, 65535.5}));
}

TEST(Dicom, Monochrome1IsInvertedAfterWindowing) {
  test::TempDir dir;
  test::DicomSpec spec;
  spec.photometric = PI::MONOCHROME1;
  spec.window_center = "100";
  spec.window_width = "101";
  const auto path =
      test::write_dicom(dir / "m1.dcm", spec, std::vector<uint16_t>{0, 50, 100, 120, 149, 1000});
  // c = 100, w = 101: 0 at x <= 49.5, 255 above 149.5, else ((x - 99.5) / 100 + 0.5) * 255:
  // 50 -> 1.275, 100 -> 128.775, 120 -> 179.775, 149 -> 253.725; then 255 - v.
  const DicomImage dicom = read_dicom(path);
  EXPECT_EQ(pixels_of(dicom.image), (std::vector<uint8_t>{255, 254, 126, 75, 1, 0}));
  EXPECT_EQ(dicom.info.photometric, "MONOCHROME1");
}

TEST(Dicom, WithoutWindowTagsTheRangeIsStretchedMinToMax) {
  test::TempDir dir;
  test::DicomSpec spec;
  spec.intercept = -100.0;
  const std::vector<uint16_t> stored = {100, 230, 500,
                                        700, 900, 1100};  // modality 0 130 400 600 800 1000
  const auto path = test::write_dicom(dir / "plain.dcm", spec, stored);
  const DicomImage dicom = read_dicom(path);
  EXPECT_FALSE(dicom.info.window_center.has_value());
  EXPECT_FALSE(dicom.info.window_width.has_value());
  // (x - 0) * 255 / 1000: 130 -> 33.15.
  EXPECT_EQ(pixels_of(dicom.image), (std::vector<uint8_t>{0, 33, 102, 153, 204, 255}));

  spec.photometric = PI::MONOCHROME1;
  const auto m1 = test::write_dicom(dir / "plain_m1.dcm", spec, stored);
  EXPECT_EQ(pixels_of(read_dicom(m1).image), (std::vector<uint8_t>{255, 222, 153, 102, 51, 0}));

  // A width below 1 is forbidden by the standard; such a window is ignored.
  spec.photometric = PI::MONOCHROME2;
  spec.window_center = "500";
  spec.window_width = "0";
  const auto zero_width = test::write_dicom(dir / "zero_width.dcm", spec, stored);
  EXPECT_EQ(pixels_of(read_dicom(zero_width).image),
            (std::vector<uint8_t>{0, 33, 102, 153, 204, 255}));
}

TEST(Dicom, WindowOverridesReplaceTheFileValues) {
  test::TempDir dir;
  const auto path = test::write_dicom(dir / "ct.dcm", ct_spec(), kCtStored);
  DicomOptions options;
  options.window_width = 401.0;  // center -40 still from the file
  // 0 at x <= -240.5, 255 above 159.5, else ((x + 40.5) / 400 + 0.5) * 255:
  // -180 -> 38.56875, -100 -> 89.56875, -60 -> 115.06875, -20 -> 140.56875, 20 -> 166.06875.
  EXPECT_EQ(pixels_of(read_dicom(path, options).image),
            (std::vector<uint8_t>{39, 90, 115, 141, 166, 255}));
  EXPECT_EQ(read_dicom(path, options).info.window_width, 201.0);  // info says what the file holds

  options.window_center = 0.0;
  options.window_width = 1.0;  // a threshold: 0 at x <= -0.5, 255 above
  EXPECT_EQ(pixels_of(read_dicom(path, options).image),
            (std::vector<uint8_t>{0, 0, 0, 0, 255, 255}));

  options.window_width = 0.5;
  expect_message_has<ConfigError>([&] { read_dicom(path, options); }, ">= 1");

  test::DicomSpec plain;
  const auto no_window =
      test::write_dicom(dir / "plain.dcm", plain, std::vector<uint16_t>{1, 2, 3, 4, 5, 6});
  DicomOptions center_only;
  center_only.window_center = 3.0;
  expect_message_has<ConfigError>([&] { read_dicom(no_window, center_only); }, "no Window Width");
}

TEST(Dicom, VoiLutFunctionLinearExactAndSigmoid) {
  test::TempDir dir;
  test::DicomSpec spec;
  spec.window_center = "100";
  spec.window_width = "100";
  spec.voi_lut_function = "LINEAR_EXACT";
  const auto exact =
      test::write_dicom(dir / "exact.dcm", spec, std::vector<uint16_t>{0, 50, 75, 101, 130, 151});
  // 0 at x <= 50, 255 above 150, else ((x - 100) / 100 + 0.5) * 255: 75 -> 63.75, 101 -> 130.05,
  // 130 -> 204.
  EXPECT_EQ(pixels_of(read_dicom(exact).image), (std::vector<uint8_t>{0, 0, 64, 130, 204, 255}));
  EXPECT_EQ(read_dicom(exact).info.voi_lut_function, "LINEAR_EXACT");

  spec.voi_lut_function = "SIGMOID";
  const auto sigmoid =
      test::write_dicom(dir / "sigmoid.dcm", spec, std::vector<uint16_t>{0, 50, 80, 125, 160, 400});
  // 255 / (1 + exp(-4 (x - 100) / 100)): 4.586, 30.397, 79.057, 186.420, 233.791, 254.998.
  EXPECT_EQ(pixels_of(read_dicom(sigmoid).image), (std::vector<uint8_t>{5, 30, 79, 186, 234, 255}));

  spec.voi_lut_function = "CURVED";
  const auto unknown =
      test::write_dicom(dir / "unknown.dcm", spec, std::vector<uint16_t>{0, 1, 2, 3, 4, 5});
  expect_message_has<DataError>([&] { read_dicom(unknown); }, "CURVED");
}

TEST(Dicom, RgbComesBackRgbUnwindowed) {
  test::TempDir dir;
  test::DicomSpec spec;
  spec.type = gdcm::PixelFormat::UINT8;
  spec.samples = 3;
  spec.photometric = PI::RGB;
  spec.window_center = "10";  // grey-only: ignored
  spec.window_width = "5";
  const std::vector<uint8_t> rgb = {255, 0,  0,  0,  255, 0,  0,  0,  255,
                                    10,  20, 30, 40, 50,  60, 70, 80, 90};
  const auto path = test::write_dicom(dir / "rgb.dcm", spec, rgb);
  const DicomImage dicom = read_dicom(path);
  ASSERT_EQ(dicom.image.type(), CV_8UC3);
  EXPECT_EQ(pixels_of(dicom.image), rgb);
  EXPECT_EQ(dicom.info.photometric, "RGB");
  EXPECT_EQ(dicom.info.samples_per_pixel, 3);
  EXPECT_EQ(pixels_of(read_image(path, ImageMode::kColor)), rgb);
  // Luma, 0.299 R + 0.587 G + 0.114 B: 76.245, 149.685, 29.07, 18.15, 48.15, 78.15.
  EXPECT_EQ(pixels_of(read_image(path, ImageMode::kGray)),
            (std::vector<uint8_t>{76, 150, 29, 18, 48, 78}));
}

TEST(Dicom, CompressedTransferSyntaxesDecodeThroughGdcm) {
  test::TempDir dir;
  test::DicomSpec spec = ct_spec();
  spec.transfer_syntax = gdcm::TransferSyntax::JPEGLosslessProcess14_1;
  const auto jpeg = test::write_dicom(dir / "jpeg_lossless.dcm", spec, kCtStored);
  const DicomImage lossless = read_dicom(jpeg);
  EXPECT_EQ(lossless.info.transfer_syntax, "1.2.840.10008.1.2.4.70");
  EXPECT_EQ(pixels_of(lossless.image), (std::vector<uint8_t>{0, 52, 103, 154, 205, 255}));

  spec.transfer_syntax = gdcm::TransferSyntax::RLELossless;
  const auto rle = test::write_dicom(dir / "rle.dcm", spec, kCtStored);
  EXPECT_EQ(read_dicom(rle).info.transfer_syntax, "1.2.840.10008.1.2.5");
  EXPECT_EQ(pixels_of(read_dicom(rle).image), (std::vector<uint8_t>{0, 52, 103, 154, 205, 255}));

  // SIIM's files: 8-bit MONOCHROME2 in JPEG baseline, lossy, so compared with a tolerance.
  test::DicomSpec siim;
  siim.rows = 16;
  siim.cols = 16;
  siim.type = gdcm::PixelFormat::UINT8;
  siim.transfer_syntax = gdcm::TransferSyntax::JPEGBaselineProcess1;
  std::vector<uint8_t> ramp(256);
  for (size_t i = 0; i < ramp.size(); ++i) ramp[i] = static_cast<uint8_t>(i % 16 * 16 + i / 16);
  const auto baseline = test::write_dicom(dir / "siim.dcm", siim, ramp);
  DicomOptions raw;
  raw.apply_window = false;
  const DicomImage decoded = read_dicom(baseline, raw);
  EXPECT_EQ(decoded.info.transfer_syntax, "1.2.840.10008.1.2.4.50");
  cv::Mat expected(16, 16, CV_8UC1, ramp.data());
  cv::Mat expected_float;
  expected.convertTo(expected_float, CV_32F);
  EXPECT_LE(cv::norm(decoded.image, expected_float, cv::NORM_INF), 8.0);
}

TEST(Dicom, ReadImageFollowsTheImageIoContract) {
  test::TempDir dir;
  const auto path = test::write_dicom(dir / "ct.DICOM", ct_spec(), kCtStored);
  const std::vector<uint8_t> windowed = {0, 52, 103, 154, 205, 255};
  const cv::Mat stored = read_image(path);
  ASSERT_EQ(stored.type(), CV_8UC1);
  EXPECT_EQ(pixels_of(stored), windowed);
  const cv::Mat gray = read_image(path, ImageMode::kGray);
  ASSERT_EQ(gray.type(), CV_8UC1);
  EXPECT_EQ(pixels_of(gray), windowed);
  const cv::Mat color = read_image(path, ImageMode::kColor);
  ASSERT_EQ(color.type(), CV_8UC3);
  std::vector<uint8_t> replicated;
  for (uint8_t v : windowed) replicated.insert(replicated.end(), {v, v, v});
  EXPECT_EQ(pixels_of(color), replicated);

  EXPECT_TRUE(is_image_file("a/1.2.840.113619.dcm"));
  EXPECT_TRUE(is_image_file("scan.DICOM"));
  EXPECT_TRUE(is_dicom_file("scan.Dcm"));
  EXPECT_FALSE(is_dicom_file("scan.png"));
  EXPECT_FALSE(is_dicom_file("dcm"));
  expect_message_has<DataError>([&] { write_image(dir / "out.dcm", stored); }, "does not write");
}

TEST(Dicom, MissingFileIsIoErrorNamingThePath) {
  test::TempDir dir;
  const auto path = dir / "absent.dcm";
  expect_message_has<IoError>([&] { read_dicom(path); }, path.string());
  expect_message_has<IoError>([&] { read_dicom_info(path); }, path.string());
  expect_message_has<IoError>([&] { read_image(path); }, path.string());
}

TEST(Dicom, NonDicomFilesAreDataErrorsNamingThePath) {
  test::TempDir dir;
  const auto text =
      test::write_text(dir / "notes.dcm", "patient: nobody\nthis is not a DICOM file\n");
  expect_message_has<DataError>([&] { read_dicom(text); }, text.string());
  expect_message_has<DataError>([&] { read_image(text, ImageMode::kColor); }, "not a DICOM file");
  const auto empty = test::write_text(dir / "empty.dcm", "");
  expect_message_has<DataError>([&] { read_dicom(empty); }, empty.string());

  test::DicomSpec spec;
  spec.frames = 2;
  const auto frames = test::write_dicom(dir / "frames.dcm", spec, std::vector<uint16_t>(12, 1));
  expect_message_has<DataError>([&] { read_dicom(frames); }, "2 frames");
}

std::string contents(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// GDCM, as Debian builds it, aborts on a file cut inside an element header and reads a file cut
// inside its pixel data with zeros: every cut must come out as a DataError instead.
TEST(Dicom, EveryCutOfAFileIsADataErrorNamingThePath) {
  test::TempDir dir;
  std::vector<test::DicomSpec> specs(4);
  specs[1].transfer_syntax = gdcm::TransferSyntax::ImplicitVRLittleEndian;
  specs[1].with_sequence = true;
  specs[2].transfer_syntax = gdcm::TransferSyntax::JPEGLosslessProcess14_1;
  specs[3].with_sequence = true;
  const auto cut = dir / "cut.dcm";
  for (size_t s = 0; s < specs.size(); ++s) {
    const auto whole =
        test::write_dicom(dir / "whole.dcm", specs[s], std::vector<uint16_t>{1, 2, 3, 4, 5, 6});
    ASSERT_NO_THROW(read_dicom(whole)) << "spec " << s;
    const std::string bytes = contents(whole);
    // Without the 128-byte preamble and "DICM" too, as old files are.
    for (const std::string& file : {bytes, bytes.substr(132)}) {
      for (size_t keep = 0; keep < file.size(); ++keep) {
        std::filesystem::remove(cut);  // truncating in place is 50x slower on ext4 with discard
        test::write_text(cut, file.substr(0, keep));
        try {
          read_dicom(cut);
          ADD_FAILURE() << "spec " << s << ": a cut after " << keep << " of " << file.size()
                        << " bytes was read";
        } catch (const DataError& e) {
          EXPECT_NE(std::string(e.what()).find(cut.string()), std::string::npos) << e.what();
        }
      }
    }
  }
  const std::string bytes = contents(dir / "whole.dcm");
  test::write_text(cut, bytes.substr(0, bytes.size() - 3));
  expect_message_has<DataError>([&] { read_dicom(cut); }, "truncated: element (7FE0,0010)");
}

}  // namespace
}  // namespace segkit::io
