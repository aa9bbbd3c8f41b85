#include <gtest/gtest.h>

#include <opencv2/core.hpp>

#include "segkit/core/error.h"
#include "segkit/submit/prediction_dir.h"
#include "tests/submit/submit_test_util.h"
#include "tests/support/test_support.h"

namespace segkit::submit {
namespace {

TEST(PredictionDir, StemDropsOnlyImageExtensions) {
  EXPECT_EQ(image_stem("0002cc93b.jpg"), "0002cc93b");
  EXPECT_EQ(image_stem("a.b.PNG"), "a.b");
  EXPECT_EQ(image_stem("1.2.276.0.7230010.3.1.4.8323329.1000.1517875165.878027"),
            "1.2.276.0.7230010.3.1.4.8323329.1000.1517875165.878027");
}

TEST(PredictionDir, MasksAndIndexRoundTripAndEmptyMasksWriteNoFile) {
  test::TempDir dir;
  const std::vector<std::string> classes{"1", "2"};
  cv::Mat mask = cv::Mat::zeros(5, 7, CV_8UC2);
  mask.at<cv::Vec2b>(1, 3) = {1, 0};
  mask.at<cv::Vec2b>(4, 6) = {1, 0};
  PredictionIndex index{classes, {write_prediction_masks(dir.path(), "abc.jpg", mask, classes)}};
  write_prediction_index(dir.path(), index);
  EXPECT_TRUE(std::filesystem::exists(dir / "masks/abc/1.png"));
  EXPECT_FALSE(std::filesystem::exists(dir / "masks/abc/2.png"));

  const PredictionIndex back = read_prediction_index(dir.path());
  ASSERT_EQ(back.images.size(), 1u);
  EXPECT_EQ(back.classes, classes);
  EXPECT_EQ(back.images[0].stem, "abc");
  EXPECT_EQ(back.images[0].height, 5);
  EXPECT_TRUE(testing::same_mask(read_prediction_masks(dir.path(), back.images[0], classes), mask));

  // Rewriting an image with an empty channel removes its stale PNG.
  write_prediction_masks(dir.path(), "abc.jpg", cv::Mat::zeros(5, 7, CV_8UC2), classes);
  EXPECT_FALSE(std::filesystem::exists(dir / "masks/abc/1.png"));
}

TEST(PredictionDir, ErrorsNameTheFile) {
  test::TempDir dir;
  test::write_text(dir / "index.json", R"({"format": "other", "classes": ["1"], "images": []})");
  try {
    read_prediction_index(dir.path());
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("index.json"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("segkit-predictions-v1"), std::string::npos) << e.what();
  }
  test::write_text(dir / "index.json",
                   R"({"format": "segkit-predictions-v1", "classes": ["1"], "images": [{"id": "a.png", "stem": "../x", "height": 2, "width": 2}]})");
  EXPECT_THROW(read_prediction_index(dir.path()), DataError);

  const std::vector<std::string> classes{"1"};
  write_prediction_masks(dir.path(), "a.png", cv::Mat::ones(4, 4, CV_8UC1), classes);
  const PredictionImage wrong_size{"a.png", "a", 3, 4};
  try {
    read_prediction_masks(dir.path(), wrong_size, classes);
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("masks/a/1.png"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace segkit::submit
