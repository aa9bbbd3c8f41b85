// The image formats real datasets ship beside PNG and JPEG: GIF masks (DRIVE), PPM/PGM, 16-bit PNG and
// TIFF, multi-page TIFF (refused), other sample types (refused).

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include <functional>

#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/io/image_header.h"
#include "segkit/io/image_io.h"
#include "tests/support/gif_writer.h"
#include "tests/support/test_support.h"

namespace segkit::io {
namespace {

cv::Mat stripes(int rows, int cols, int levels) {
  cv::Mat index(rows, cols, CV_8UC1);
  for (int y = 0; y < rows; ++y) index.row(y).setTo(y % levels);
  return index;
}

std::string message_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

TEST(GifImage, AGreyPaletteMaskReadsAsOneChannelWithThePaletteValues) {
  test::TempDir dir;
  cv::Mat index = cv::Mat::zeros(10, 12, CV_8UC1);
  index(cv::Rect(2, 3, 5, 4)) = 1;
  test::write_gif(dir / "21_manual1.gif", {index}, {{0, 0, 0}, {255, 255, 255}});
  ASSERT_TRUE(is_image_file(dir / "21_manual1.gif"));
  const cv::Mat mask = read_image(dir / "21_manual1.gif");
  ASSERT_EQ(mask.type(), CV_8UC1);
  EXPECT_EQ(cv::countNonZero(mask), 20);
  EXPECT_EQ(mask.at<uint8_t>(3, 2), 255);
  EXPECT_EQ(mask.at<uint8_t>(0, 0), 0);
  EXPECT_EQ(read_image(dir / "21_manual1.gif", ImageMode::kColor).type(), CV_8UC3);
}

TEST(GifImage, AnInterlacedColourGifComesBackRgbInDisplayOrder) {
  test::TempDir dir;
  const std::vector<GifColorType> palette{{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}};
  test::write_gif(dir / "colour.gif", {stripes(19, 5, 4)}, palette, /*interlaced=*/true);
  const cv::Mat image = read_image(dir / "colour.gif");
  ASSERT_EQ(image.type(), CV_8UC3);
  for (int y = 0; y < image.rows; ++y) {
    const auto& expected = palette[static_cast<size_t>(y % 4)];
    const auto pixel = image.at<cv::Vec3b>(y, 3);
    EXPECT_EQ(pixel, cv::Vec3b(expected.Red, expected.Green, expected.Blue)) << "row " << y;
  }
}

TEST(GifImage, AnimationsAndTruncatedFilesAreRefusedWithTheFileName) {
  test::TempDir dir;
  const std::vector<GifColorType> grey{{0, 0, 0}, {255, 255, 255}};
  test::write_gif(dir / "anim.gif", {stripes(8, 8, 2), stripes(8, 8, 2)}, grey);
  const auto animated = message_of([&] { read_image(dir / "anim.gif"); });
  EXPECT_NE(animated.find("anim.gif"), std::string::npos) << animated;
  EXPECT_NE(animated.find("2 frames"), std::string::npos) << animated;

  test::write_gif(dir / "whole.gif", {stripes(64, 64, 2)}, grey);
  const std::string bytes = read_file(dir / "whole.gif");
  write_file_atomic(dir / "cut.gif", bytes.substr(0, bytes.size() / 2));
  const auto truncated = message_of([&] { read_image(dir / "cut.gif"); });
  EXPECT_NE(truncated.find("cut.gif"), std::string::npos) << truncated;
}

TEST(NetpbmImage, PgmAndPpmRoundTrip) {
  test::TempDir dir;
  const cv::Mat grey = stripes(7, 9, 5) * 40;
  cv::Mat rgb(7, 9, CV_8UC3, cv::Scalar(10, 120, 230));
  write_image(dir / "a.pgm", grey);
  write_image(dir / "b.ppm", rgb);
  ASSERT_TRUE(is_image_file(dir / "a.pgm") && is_image_file(dir / "b.ppm"));
  EXPECT_EQ(cv::norm(read_image(dir / "a.pgm"), grey, cv::NORM_INF), 0);
  EXPECT_EQ(cv::norm(read_image(dir / "b.ppm"), rgb, cv::NORM_INF), 0);
}

TEST(SixteenBitImage, GreyReadsKeepTheValuesOfAnIndexMask) {
  test::TempDir dir;
  cv::Mat index;
  stripes(6, 6, 6).convertTo(index, CV_16U);
  index.at<uint16_t>(0, 0) = 1000;
  for (const char* name : {"mask.png", "mask.tif"}) {
    ASSERT_TRUE(cv::imwrite((dir / name).string(), index));
    for (const auto mode : {ImageMode::kAsStored, ImageMode::kGray}) {
      const cv::Mat read = read_image(dir / name, mode);
      ASSERT_EQ(read.type(), CV_16UC1) << name;
      EXPECT_EQ(cv::norm(read, index, cv::NORM_INF), 0) << name;
    }
  }
}

TEST(TiffImage, MultiPageFilesAreRefusedAndOtherSampleTypesNamed) {
  test::TempDir dir;
  const cv::Mat page = stripes(8, 8, 3);
  ASSERT_TRUE(cv::imwritemulti((dir / "stack.tif").string(), std::vector<cv::Mat>{page, page, page}));
  EXPECT_EQ(tiff_page_count(read_file(dir / "stack.tif")), 3u);
  const auto stack = message_of([&] { read_image(dir / "stack.tif"); });
  EXPECT_NE(stack.find("multi-page TIFF (3 pages)"), std::string::npos) << stack;

  ASSERT_TRUE(cv::imwrite((dir / "single.tif").string(), page));
  EXPECT_EQ(tiff_page_count(read_file(dir / "single.tif")), 1u);
  EXPECT_EQ(cv::norm(read_image(dir / "single.tif"), page, cv::NORM_INF), 0);

  cv::Mat wide(4, 4, CV_64FC1, cv::Scalar(0.5));
  ASSERT_TRUE(cv::imwrite((dir / "double.tif").string(), wide));
  const auto doubles = message_of([&] { read_image(dir / "double.tif"); });
  EXPECT_NE(doubles.find("float64"), std::string::npos) << doubles;
}

TEST(TiffImage, ABrokenOrLoopingIfdChainIsNotCountedAsPages) {
  // II, 42, first IFD at 8: one entry, next IFD at 8 again (a loop).
  std::string looping("II*\0\x08\0\0\0\x01\0", 10);
  looping += std::string(12, '\0') + std::string("\x08\0\0\0", 4);
  EXPECT_FALSE(tiff_page_count(looping).has_value());
  EXPECT_FALSE(tiff_page_count(std::string("II*\0\xff\0\0\0", 8)).has_value());
  EXPECT_FALSE(tiff_page_count("\x89PNG\r\n\x1a\n").has_value());
}

}  // namespace
}  // namespace segkit::io
