// Output sizes, windows and placements of the size-changing transforms, and RandomRotate90's turns.
#include <gtest/gtest.h>

#include <set>

#include "segkit/core/error.h"
#include "segkit/transforms/placement.h"
#include "segkit/transforms/transforms.h"
#include "tests/transforms/transform_test_util.h"

namespace segkit::transforms {
namespace {

using test::coordinate_sample;
using test::kHeight;
using test::kWidth;

cv::Vec3f at(const data::Sample& sample, int y, int x) {
  return sample.image.at<cv::Vec3f>(y, x);
}

// The source (x, y) the output pixel (x, y) came from.
cv::Point source(const data::Sample& sample, int y, int x) {
  const cv::Vec3f c = at(sample, y, x);
  return {static_cast<int>(c[0]) - 1, static_cast<int>(c[1]) - 1};
}

TEST(Resize, OutputHasTheRequestedSize) {
  data::Sample sample = coordinate_sample(5);
  Rng rng(0);
  Resize(20, 30)(sample, rng);
  EXPECT_EQ(sample.image.size(), cv::Size(30, 20));
  EXPECT_EQ(sample.mask.size(), cv::Size(30, 20));
  EXPECT_EQ(sample.mask.channels(), 5);
  EXPECT_TRUE(test::mask_is_binary(sample.mask));
}

TEST(RandomCrop, WindowIsAContiguousBlockInsideTheImage) {
  for (uint64_t index = 0; index < 20; ++index) {
    data::Sample sample = coordinate_sample(1);
    Rng rng = Rng::for_sample(1, 0, index);
    RandomCrop(30, 20)(sample, rng);
    ASSERT_EQ(sample.image.size(), cv::Size(20, 30));
    const cv::Point origin = source(sample, 0, 0);
    EXPECT_GE(origin.x, 0);
    EXPECT_GE(origin.y, 0);
    EXPECT_LE(origin.x + 20, kWidth);
    EXPECT_LE(origin.y + 30, kHeight);
    EXPECT_EQ(source(sample, 29, 19), origin + cv::Point(19, 29));
  }
}

TEST(RandomCrop, LargerThanTheImageIsAShapeErrorThatProposesPadIfNeeded) {
  data::Sample sample = coordinate_sample(1);
  Rng rng(0);
  try {
    RandomCrop(100, 20)(sample, rng);
    FAIL();
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("PadIfNeeded(min_height=100"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(RandomCrop(0, 5), ConfigError);
}

TEST(CenterCrop, TakesTheCentredWindow) {
  data::Sample sample = coordinate_sample(1);
  Rng rng(0);
  CenterCrop(31, 17)(sample, rng);
  EXPECT_EQ(sample.image.size(), cv::Size(17, 31));
  EXPECT_EQ(source(sample, 0, 0), cv::Point((kWidth - 17) / 2, (kHeight - 31) / 2));
}

TEST(RandomResizedCrop, OutputSizeIsFixedAndScaleOneRatioOneIsTheLargestSquare) {
  RandomResizedCropOptions o;
  o.height = 24;
  o.width = 40;
  for (uint64_t index = 0; index < 20; ++index) {
    data::Sample sample = coordinate_sample(2);
    Rng rng = Rng::for_sample(2, 0, index);
    RandomResizedCrop{o}(sample, rng);
    EXPECT_EQ(sample.image.size(), cv::Size(40, 24));
    EXPECT_EQ(sample.mask.size(), cv::Size(40, 24));
  }
  // scale (1, 1), ratio (1, 1): no 48x48... try fits in a 64x48 image (area 3072 -> 55x55), so
  // all ten tries fail and the fallback crops the full height with ratio 1: a centred 48x48.
  o.scale = {1, 1};
  o.ratio = {1, 1};
  o.height = o.width = 48;
  o.interpolation = cv::INTER_NEAREST;
  data::Sample sample = coordinate_sample(1);
  Rng rng(0);
  RandomResizedCrop{o}(sample, rng);
  EXPECT_EQ(source(sample, 0, 0), cv::Point(8, 0));
  EXPECT_EQ(source(sample, 47, 47), cv::Point(55, 47));
}

TEST(RandomSizedCrop, CropHeightStaysInRangeAndOutputIsResized) {
  RandomSizedCropOptions o;
  o.min_height = 10;
  o.max_height = 20;
  o.height = 16;
  o.width = 24;
  o.w2h_ratio = 2.0;
  o.interpolation = cv::INTER_NEAREST;
  for (uint64_t index = 0; index < 20; ++index) {
    data::Sample sample = coordinate_sample(1);
    Rng rng = Rng::for_sample(3, 0, index);
    RandomSizedCrop{o}(sample, rng);
    ASSERT_EQ(sample.image.size(), cv::Size(24, 16));
    // Rows of the output span at most max_height source rows, at least min_height - 1.
    const int span = source(sample, 15, 0).y - source(sample, 0, 0).y;
    EXPECT_GE(span, 10 - 2);
    EXPECT_LE(span, 20 - 1);
  }
  o.max_height = 40;  // 40 x 80 cannot fit 48 x 64, even if a smaller height would be drawn
  data::Sample sample = coordinate_sample(1);
  Rng rng(0);
  EXPECT_THROW(RandomSizedCrop{o}(sample, rng), ShapeError);
  o.min_height = 0;
  EXPECT_THROW(RandomSizedCrop{o}, ConfigError);
}

TEST(PadIfNeeded, CentresByDefaultAndReflects) {
  PadIfNeededOptions o;
  o.min_height = 53;  // 5 rows to add: 2 on top, 3 below (albumentations' int(5 / 2))
  o.min_width = 64;   // already wide enough
  data::Sample sample = coordinate_sample(1);
  Rng rng(0);
  PadIfNeeded{o}(sample, rng);
  EXPECT_EQ(sample.image.size(), cv::Size(64, 53));
  EXPECT_EQ(source(sample, 2, 0), cv::Point(0, 0));
  EXPECT_EQ(source(sample, 0, 0), cv::Point(0, 2));  // reflect_101: row -2 reads row 2
  EXPECT_EQ(source(sample, 52, 0), cv::Point(0, kHeight - 4));
  EXPECT_TRUE(test::aligned(sample));
}

TEST(PadIfNeeded, PositionsPutThePaddingWhereTheyName) {
  const std::vector<std::pair<PadPosition, cv::Point>> expected = {
      {PadPosition::kTopLeft, {0, 0}},
      {PadPosition::kTopRight, {16, 0}},
      {PadPosition::kBottomLeft, {0, 12}},
      {PadPosition::kBottomRight, {16, 12}},
      {PadPosition::kCenter, {8, 6}}};
  for (const auto& [position, offset] : expected) {
    PadIfNeededOptions o;
    o.min_height = kHeight + 12;
    o.min_width = kWidth + 16;
    o.border_mode = cv::BORDER_CONSTANT;
    o.value = {0};
    o.position = position;
    data::Sample sample = coordinate_sample(1);
    Rng rng(0);
    PadIfNeeded{o}(sample, rng);
    EXPECT_EQ(at(sample, offset.y, offset.x), cv::Vec3f(1, 1, 1)) << pad_position_name(position);
    EXPECT_TRUE(test::aligned(sample)) << pad_position_name(position);
  }
}

TEST(PadIfNeeded, DivisorsPadUpToTheNextMultiple) {
  PadIfNeededOptions o;
  o.min_height.reset();
  o.min_width.reset();
  o.pad_height_divisor = 32;  // 48 -> 64
  o.pad_width_divisor = 32;   // 64 stays
  data::Sample sample = coordinate_sample(5);
  Rng rng(0);
  PadIfNeeded{o}(sample, rng);
  EXPECT_EQ(sample.image.size(), cv::Size(64, 64));
  EXPECT_EQ(sample.mask.size(), cv::Size(64, 64));
  o.min_height = 10;  // both set
  EXPECT_THROW(PadIfNeeded{o}, ConfigError);
}

TEST(PadIfNeeded, ConstantFillUsesValueForTheImageAndMaskValueForTheMask) {
  PadIfNeededOptions o;
  o.min_height = 50;
  o.min_width = 70;
  o.border_mode = cv::BORDER_CONSTANT;
  o.value = {9, 8, 7};
  o.mask_value = {1};
  data::Sample sample = coordinate_sample(5);
  Rng rng(0);
  PadIfNeeded{o}(sample, rng);
  EXPECT_EQ(at(sample, 0, 0), cv::Vec3f(9, 8, 7));
  for (int k = 0; k < 5; ++k) EXPECT_EQ(sample.mask.ptr<uint8_t>(0)[k], 1) << k;
}

TEST(CropNonEmptyMaskIfExists, WindowAlwaysContainsTheOnlyForegroundPixel) {
  for (uint64_t index = 0; index < 30; ++index) {
    data::Sample sample = coordinate_sample(0);
    sample.mask = cv::Mat::zeros(kHeight, kWidth, CV_8UC(5));
    sample.mask.ptr<uint8_t>(40)[60 * 5 + 4] = 1;  // channel 4 at (x=60, y=40)
    CropNonEmptyMaskIfExistsOptions o;
    o.height = 10;
    o.width = 12;
    Rng rng = Rng::for_sample(4, 0, index);
    CropNonEmptyMaskIfExists{o}(sample, rng);
    ASSERT_EQ(sample.mask.size(), cv::Size(12, 10));
    EXPECT_EQ(cv::countNonZero(sample.mask.reshape(1)), 1);
  }
}

TEST(CropNonEmptyMaskIfExists, IgnoredChannelsCountAsBackground) {
  std::set<int> origins;
  for (uint64_t index = 0; index < 30; ++index) {
    data::Sample sample = coordinate_sample(0);
    sample.mask = cv::Mat::zeros(kHeight, kWidth, CV_8UC2);
    sample.mask.ptr<uint8_t>(40)[60 * 2 + 1] = 1;
    CropNonEmptyMaskIfExistsOptions o;
    o.height = 10;
    o.width = 12;
    o.ignore_channels = {1};
    Rng rng = Rng::for_sample(5, 0, index);
    CropNonEmptyMaskIfExists{o}(sample, rng);
    origins.insert(source(sample, 0, 0).x);
  }
  EXPECT_GT(origins.size(), 5u);  // random windows, not pinned to the pixel
}

TEST(RandomRotate90, ProducesEachOfTheFourTurnsAndNothingElse) {
  std::set<std::pair<int, int>> corners;  // source of the output's top-left pixel
  for (uint64_t index = 0; index < 60; ++index) {
    data::Sample sample = coordinate_sample(1);
    Rng rng = Rng::for_sample(6, 0, index);
    RandomRotate90(1.0)(sample, rng);
    const cv::Point s = source(sample, 0, 0);
    corners.insert({s.x, s.y});
    const bool turned = sample.image.rows == kWidth;
    EXPECT_EQ(sample.image.cols, turned ? kHeight : kWidth);
    EXPECT_TRUE(test::aligned(sample));
  }
  // 0 turns: (0, 0); 1 (counter-clockwise): (W-1, 0); 2: (W-1, H-1); 3: (0, H-1).
  const std::set<std::pair<int, int>> expected = {
      {0, 0}, {kWidth - 1, 0}, {kWidth - 1, kHeight - 1}, {0, kHeight - 1}};
  EXPECT_EQ(corners, expected);
}

}  // namespace
}  // namespace segkit::transforms

namespace segkit::transforms {
namespace {

// Where a validation pipeline puts the image, so predictions can be cropped back (infer/predictor.cpp).
TEST(ContentPlacement, PaddingShiftsAndResizeScalesTheImage) {
  const auto pipeline = build_pipeline(config::json::parse(R"([{"PadIfNeeded": {"min_height": 384, "min_width": 480}},
                                                              "Normalize"])"),
                                       "augment.val");
  const auto placed = content_placement(*pipeline, {480, 360});
  ASSERT_TRUE(placed.has_value());
  EXPECT_EQ(placed->output, cv::Size(480, 384));
  EXPECT_EQ(placed->content, cv::Rect2d(0, 12, 480, 360));  // albumentations' centre: 12 above, 12 below

  const auto resized = build_pipeline(config::json::parse(R"([{"Resize": {"height": 200, "width": 240}},
                                                             {"PadIfNeeded": {"min_height": 224, "min_width": 256,
                                                                              "position": "top_left"}}])"),
                                      "augment.val");
  const auto scaled = content_placement(*resized, {480, 400});
  ASSERT_TRUE(scaled.has_value());
  EXPECT_EQ(scaled->output, cv::Size(256, 224));
  EXPECT_EQ(scaled->content, cv::Rect2d(0, 0, 240, 200));
  // Already large enough: nothing to undo.
  EXPECT_EQ(content_placement(*pipeline, {512, 512})->content, cv::Rect2d(0, 0, 512, 512));

  const auto random = build_pipeline(config::json::parse(R"([{"PadIfNeeded": {"min_height": 64, "min_width": 64,
                                                                              "position": "random"}}])"),
                                     "augment.val");
  EXPECT_FALSE(content_placement(*random, {32, 32}).has_value());
}

}  // namespace
}  // namespace segkit::transforms
