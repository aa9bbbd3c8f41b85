// Every geometric transform moves image and mask together: checked on coordinate images for masks
// of 1, 4 and 5 channels (5 exceeds OpenCV's 4-channel limit of warpAffine/remap), with reflected
// and constant borders, and with masks that stay strictly 0/1.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "segkit/transforms/transforms.h"
#include "tests/transforms/transform_test_util.h"

namespace segkit::transforms {
namespace {

using test::aligned;
using test::coordinate_sample;
using test::mask_is_binary;

struct Case {
  std::string name;
  // Builds the transform with p = 1; `nearest` selects nearest-neighbour for the image too.
  std::function<TransformPtr(bool nearest)> make;
};

int interp(bool nearest) {
  return nearest ? cv::INTER_NEAREST : cv::INTER_LINEAR;
}

std::vector<Case> cases() {
  std::vector<Case> list = {
      {"HorizontalFlip", [](bool) { return std::make_shared<HorizontalFlip>(1.0); }},
      {"VerticalFlip", [](bool) { return std::make_shared<VerticalFlip>(1.0); }},
      {"Transpose", [](bool) { return std::make_shared<Transpose>(1.0); }},
      {"RandomRotate90", [](bool) { return std::make_shared<RandomRotate90>(1.0); }},
      {"ShiftScaleRotateReflect",
       [](bool nearest) {
         ShiftScaleRotateOptions o;
         o.interpolation = interp(nearest);
         o.p = 1.0;
         return std::make_shared<ShiftScaleRotate>(o);
       }},
      {"ShiftScaleRotateConstant",
       [](bool nearest) {
         ShiftScaleRotateOptions o;
         o.interpolation = interp(nearest);
         o.border_mode = cv::BORDER_CONSTANT;
         o.shift_limit_x = o.shift_limit_y = Range::symmetric(0.3);
         o.p = 1.0;
         return std::make_shared<ShiftScaleRotate>(o);
       }},
      {"GridDistortion",
       [](bool nearest) {
         GridDistortionOptions o;
         o.interpolation = interp(nearest);
         o.p = 1.0;
         return std::make_shared<GridDistortion>(o);
       }},
      {"GridDistortionNormalizedConstant",
       [](bool nearest) {
         GridDistortionOptions o;
         o.interpolation = interp(nearest);
         o.border_mode = cv::BORDER_CONSTANT;
         o.normalized = true;
         o.num_steps = 7;
         o.p = 1.0;
         return std::make_shared<GridDistortion>(o);
       }},
      {"OpticalDistortionStrong",
       [](bool nearest) {
         OpticalDistortionOptions o;
         o.distort_limit = Range::symmetric(0.5);
         o.shift_limit = Range::symmetric(5);
         o.interpolation = interp(nearest);
         o.p = 1.0;
         return std::make_shared<OpticalDistortion>(o);
       }},
      {"ElasticTransform",
       [](bool nearest) {
         ElasticTransformOptions o;
         o.interpolation = interp(nearest);
         o.alpha = 30;
         o.sigma = 5;
         o.alpha_affine = 5;
         o.p = 1.0;
         return std::make_shared<ElasticTransform>(o);
       }},
      {"ElasticTransformDefaultsConstant",
       [](bool nearest) {
         ElasticTransformOptions o;  // sigma 50: a kernel far larger than the image
         o.interpolation = interp(nearest);
         o.border_mode = cv::BORDER_CONSTANT;
         o.p = 1.0;
         return std::make_shared<ElasticTransform>(o);
       }},
      {"ElasticTransformApproximate",
       [](bool nearest) {
         ElasticTransformOptions o;
         o.interpolation = interp(nearest);
         o.alpha = 20;
         o.sigma = 4;
         o.approximate = true;
         o.same_dxdy = true;
         o.p = 1.0;
         return std::make_shared<ElasticTransform>(o);
       }},
      {"Perspective",
       [](bool nearest) {
         PerspectiveOptions o;
         o.interpolation = interp(nearest);
         o.p = 1.0;
         return std::make_shared<Perspective>(o);
       }},
      {"PerspectiveStrongReflectNoResize",
       [](bool nearest) {
         PerspectiveOptions o;
         o.scale = {0.2, 0.3};
         o.keep_size = false;
         o.pad_mode = cv::BORDER_REFLECT_101;
         o.interpolation = interp(nearest);
         o.p = 1.0;
         return std::make_shared<Perspective>(o);
       }},
      {"AffineDefaults",
       [](bool nearest) {
         AffineOptions o;  // albumentations' no-argument ranges
         o.scale = {{0.9, 1.1}, {0.9, 1.1}};
         o.translate_percent = AxisRanges{{-0.1, 0.1}, {-0.1, 0.1}};
         o.rotate = {-15, 15};
         o.shear = {{-10, 10}, {-10, 10}};
         o.interpolation = interp(nearest);
         o.p = 1.0;
         return std::make_shared<Affine>(o);
       }},
      {"AffinePixelsReflectKeepRatio",
       [](bool nearest) {
         AffineOptions o;
         o.scale = {{0.7, 1.4}, {0.7, 1.4}};
         o.keep_ratio = true;
         o.translate_px = AxisRanges{{-6, 6}, {-3, 3}};
         o.shear = {{-20, 20}, {0, 0}};
         o.mode = cv::BORDER_REFLECT_101;
         o.interpolation = interp(nearest);
         o.p = 1.0;
         return std::make_shared<Affine>(o);
       }},
      {"FastaiTransforms",
       [](bool nearest) {
         FastaiTransformsOptions o;  // get_transforms() with every step certain
         o.interpolation = interp(nearest);
         o.p_affine = o.p_lighting = 1.0;
         o.max_lighting = 0.0;  // lighting changes the coordinate image's values
         return std::make_shared<FastaiTransforms>(o);
       }},
      {"FastaiTransformsDihedralStrong",
       [](bool nearest) {
         FastaiTransformsOptions o;
         o.interpolation = interp(nearest);
         o.flip_vert = true;
         o.max_rotate = 30;
         o.max_zoom = 1.5;
         o.max_warp = 0.4;
         o.max_lighting = 0.0;
         o.p_affine = 1.0;
         return std::make_shared<FastaiTransforms>(o);
       }},
      {"RandomScale", [](bool nearest) { return std::make_shared<RandomScale>(Range{0.5, 2.0}, interp(nearest), 1.0); }},
      {"RandomCrop", [](bool) { return std::make_shared<RandomCrop>(30, 20); }},
      {"CenterCrop", [](bool) { return std::make_shared<CenterCrop>(31, 17); }},
      {"RandomResizedCrop",
       [](bool nearest) {
         RandomResizedCropOptions o;
         o.height = 40;
         o.width = 56;
         o.interpolation = interp(nearest);
         return std::make_shared<RandomResizedCrop>(o);
       }},
      {"RandomSizedCrop",
       [](bool nearest) {
         RandomSizedCropOptions o;
         o.min_height = 20;
         o.max_height = 40;
         o.height = 32;
         o.width = 32;
         o.w2h_ratio = 1.3;
         o.interpolation = interp(nearest);
         return std::make_shared<RandomSizedCrop>(o);
       }},
      {"CropNonEmptyMaskIfExists",
       [](bool) {
         CropNonEmptyMaskIfExistsOptions o;
         o.height = 24;
         o.width = 24;
         return std::make_shared<CropNonEmptyMaskIfExists>(o);
       }},
      {"Resize", [](bool nearest) { return std::make_shared<Resize>(37, 71, interp(nearest)); }},
      {"PadIfNeededReflect",
       [](bool) {
         PadIfNeededOptions o;
         o.min_height = 80;
         o.min_width = 100;
         return std::make_shared<PadIfNeeded>(o);
       }},
      {"PadIfNeededConstantRandom",
       [](bool) {
         PadIfNeededOptions o;
         o.min_height = 70;
         o.min_width = 90;
         o.border_mode = cv::BORDER_CONSTANT;
         o.position = PadPosition::kRandom;
         return std::make_shared<PadIfNeeded>(o);
       }},
  };
  return list;
}

class Geometric : public ::testing::TestWithParam<Case> {};

TEST_P(Geometric, KeepsImageAndMaskAlignedForOneFourAndFiveMaskChannels) {
  const TransformPtr transform = GetParam().make(/*nearest=*/true);
  const data::Sample original = coordinate_sample(1);
  int changed = 0;
  for (int channels : {1, 4, 5}) {
    for (uint64_t index = 0; index < 6; ++index) {
      data::Sample sample = coordinate_sample(channels);
      Rng rng = Rng::for_sample(7, 0, index);
      (*transform)(sample, rng);
      ASSERT_EQ(sample.mask.channels(), channels);
      ASSERT_EQ(sample.mask.type(), CV_8UC(channels));
      EXPECT_TRUE(aligned(sample)) << "K=" << channels << " index=" << index;
      changed += !test::same(sample.image, original.image);
    }
  }
  EXPECT_GE(changed, 12) << "the transform rarely changed the image: the check proves little";
}

TEST_P(Geometric, MaskStaysBinaryWithLinearImageInterpolation) {
  const TransformPtr transform = GetParam().make(/*nearest=*/false);
  for (uint64_t index = 0; index < 4; ++index) {
    data::Sample sample = coordinate_sample(5);
    Rng rng = Rng::for_sample(11, 2, index);
    (*transform)(sample, rng);
    EXPECT_EQ(sample.mask.size(), sample.image.size());
    EXPECT_TRUE(mask_is_binary(sample.mask));
    EXPECT_EQ(sample.image.type(), CV_32FC3);
  }
}

TEST_P(Geometric, WorksWithoutAMask) {
  const TransformPtr transform = GetParam().make(false);
  data::Sample sample = coordinate_sample(0);
  ASSERT_FALSE(sample.has_mask());
  Rng rng(3);
  (*transform)(sample, rng);
  EXPECT_FALSE(sample.has_mask());
  EXPECT_FALSE(sample.image.empty());
}

TEST_P(Geometric, SameStreamGivesTheSameOutput) {
  const TransformPtr transform = GetParam().make(false);
  data::Sample a = coordinate_sample(2), b = coordinate_sample(2);
  Rng rng_a = Rng::for_sample(5, 1, 9), rng_b = Rng::for_sample(5, 1, 9);
  (*transform)(a, rng_a);
  (*transform)(b, rng_b);
  EXPECT_TRUE(test::same(a.image, b.image));
  EXPECT_TRUE(test::same(a.mask, b.mask));
}

INSTANTIATE_TEST_SUITE_P(Transforms, Geometric, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return info.param.name; });

TEST(Geometric, UInt8ImagesWithLinearInterpolationKeepTheirType) {
  data::Sample sample = test::rgb_sample();
  ShiftScaleRotateOptions o;
  o.p = 1.0;
  Rng rng(1);
  ShiftScaleRotate{o}(sample, rng);
  EXPECT_EQ(sample.image.type(), CV_8UC3);
  EXPECT_TRUE(mask_is_binary(sample.mask));
}

TEST(Geometric, FlipsMoveKnownPixels) {
  data::Sample sample = coordinate_sample(1);
  Rng rng(0);
  HorizontalFlip(1.0)(sample, rng);
  EXPECT_EQ(sample.image.at<cv::Vec3f>(0, 0)[0], test::kWidth);  // x + 1 of the last column
  VerticalFlip(1.0)(sample, rng);
  EXPECT_EQ(sample.image.at<cv::Vec3f>(0, 0)[1], test::kHeight);
  Transpose(1.0)(sample, rng);
  EXPECT_EQ(sample.image.rows, test::kWidth);
  EXPECT_EQ(sample.image.cols, test::kHeight);
  EXPECT_EQ(sample.mask.rows, test::kWidth);
}

TEST(Geometric, ShiftScaleRotateByNinetyDegreesLandsOnTheGrid) {
  // albumentations' half-pixel centre makes a 90-degree turn of a square image exact.
  data::Sample sample = coordinate_sample(1, 32, 32);
  ShiftScaleRotateOptions o;
  o.rotate_limit = {90, 90};
  o.scale_limit = {0, 0};
  o.shift_limit_x = o.shift_limit_y = {0, 0};
  o.interpolation = cv::INTER_NEAREST;
  o.border_mode = cv::BORDER_CONSTANT;
  o.p = 1.0;
  Rng rng(0);
  ShiftScaleRotate{o}(sample, rng);
  data::Sample expected = coordinate_sample(1, 32, 32);
  // A counter-clockwise quarter turn (np.rot90) is a transpose followed by a vertical flip.
  expected.image = expected.image.t();
  cv::flip(expected.image, expected.image, 0);
  EXPECT_TRUE(test::same(sample.image, expected.image));
  EXPECT_TRUE(aligned(sample));
}

// Affine's composition, checked on what each parameter must do to points (not on the formula):
// rotate 90 is np.rot90, shear_x s moves a point below the centre right by sin(s) per pixel,
// shear_y s moves a point right of the centre up by sin(s), scale and translate_px act per axis.
TEST(Geometric, AffineRotatesShearsScalesAndShiftsAsAlbumentations) {
  data::Sample sample = coordinate_sample(1, 32, 32);
  AffineOptions o;
  o.rotate = {90, 90};
  o.interpolation = cv::INTER_NEAREST;
  o.p = 1.0;
  Rng rng(0);
  Affine{o}(sample, rng);
  data::Sample expected = coordinate_sample(1, 32, 32);
  expected.image = expected.image.t();
  cv::flip(expected.image, expected.image, 0);
  EXPECT_TRUE(test::same(sample.image, expected.image));
  EXPECT_TRUE(aligned(sample));

  const double cx = 15.5, cy = 9.5;  // a 20 x 32 image
  const auto moved = [&](const cv::Mat& m, double x, double y) {
    return cv::Point2d(m.at<double>(0, 0) * x + m.at<double>(0, 1) * y + m.at<double>(0, 2),
                       m.at<double>(1, 0) * x + m.at<double>(1, 1) * y + m.at<double>(1, 2));
  };
  const double s = 20.0 * 3.14159265358979323846 / 180.0;
  // Drawn values arrive negated (albumentations negates shear and rotation after drawing).
  const cv::Point2d sheared_x = moved(Affine::matrix(20, 32, 1, 1, 0, 0, 0, -20, 0), cx, cy + 10);
  EXPECT_NEAR(sheared_x.x, cx + 10 * std::sin(s), 1e-9);
  EXPECT_NEAR(sheared_x.y, cy + 10 * std::cos(s), 1e-9);
  const cv::Point2d sheared_y = moved(Affine::matrix(20, 32, 1, 1, 0, 0, 0, 0, -20), cx + 10, cy);
  EXPECT_NEAR(sheared_y.x, cx + 10 * std::cos(s), 1e-9);
  EXPECT_NEAR(sheared_y.y, cy - 10 * std::sin(s), 1e-9);
  const cv::Point2d scaled = moved(Affine::matrix(20, 32, 2, 0.5, 5, -3, 0, 0, 0), cx + 4, cy + 4);
  EXPECT_NEAR(scaled.x, cx + 8 + 5, 1e-9);
  EXPECT_NEAR(scaled.y, cy + 2 - 3, 1e-9);
}

}  // namespace
}  // namespace segkit::transforms
