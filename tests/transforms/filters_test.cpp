// Blur, MotionBlur, Sharpen: image-only filters with albumentations' kernels; masks untouched.

#include "segkit/transforms/coarse_dropout.h"
#include "segkit/transforms/filters.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "segkit/core/error.h"
#include "segkit/transforms/transform_registry.h"
#include "tests/transforms/transform_test_util.h"

namespace segkit::transforms {
namespace {

using test::rgb_sample;
using test::same;

TEST(Filters, BlurIsABoxFilterOfAnOddSizeFromTheLimit) {
  const auto original = rgb_sample();
  std::set<int> sizes_seen;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    auto sample = original;
    sample.mask = original.mask.clone();
    Rng rng(seed);
    Blur(/*blur_limit=*/{3, 7}, 1.0)(sample, rng);
    int matched = 0;
    for (int size : {3, 5, 7}) {
      cv::Mat expected;
      cv::blur(original.image, expected, cv::Size(size, size));
      if (same(sample.image, expected)) matched = size;
    }
    ASSERT_NE(matched, 0) << "seed " << seed << ": not a box blur of size 3, 5 or 7";
    sizes_seen.insert(matched);
    EXPECT_TRUE(same(sample.mask, original.mask));
  }
  EXPECT_EQ(sizes_seen, (std::set<int>{3, 5, 7}));  // every odd size is drawn
  EXPECT_THROW(Blur({1, 3}), ConfigError);
}

TEST(Filters, MotionBlurKernelsSumToOneSoFlatImagesStayFlat) {
  data::Sample sample;
  sample.image = cv::Mat(24, 32, CV_8UC3, cv::Scalar(90, 120, 200));
  for (uint64_t seed = 0; seed < 10; ++seed) {
    auto copy = sample;
    Rng rng(seed);
    MotionBlur({3, 9}, seed % 2 == 0, 1.0)(copy, rng);
    EXPECT_TRUE(same(copy.image, sample.image)) << "seed " << seed;
  }
  // A single bright pixel is smeared along a line: some neighbours brighten, the total is kept.
  cv::Mat dot = cv::Mat::zeros(21, 21, CV_32FC1);
  dot.at<float>(10, 10) = 1.0f;
  data::Sample point{"dot", dot, {}};
  Rng rng(3);
  MotionBlur({7, 7}, true, 1.0)(point, rng);
  EXPECT_NEAR(cv::sum(point.image)[0], 1.0, 1e-5);
  EXPECT_GT(cv::countNonZero(point.image > 1e-6f), 1);
}

TEST(Filters, SharpenMixesIdentityAndTheLaplacianKernel) {
  data::Sample flat;
  flat.image = cv::Mat(8, 8, CV_8UC1, cv::Scalar(100));
  Rng rng(0);
  // The kernel sums to 1 - alpha + alpha * lightness: a flat image is scaled by 1.5 here.
  Sharpen({0.5, 0.5}, {2.0, 2.0}, 1.0)(flat, rng);
  EXPECT_EQ(cv::countNonZero(flat.image != 150), 0);
  auto sample = rgb_sample();
  const cv::Mat before = sample.image.clone();
  Sharpen({0.0, 0.0}, {0.5, 1.0}, 1.0)(sample, rng);  // alpha 0: the identity
  EXPECT_TRUE(same(sample.image, before));
  EXPECT_THROW(Sharpen({0.2, 1.5}), ConfigError);
}

TEST(Filters, RegistryTakesAlbumentationsNamesAndDefaults) {
  const auto blur = build_transform(config::json::parse(R"({"Blur": {"blur_limit": 3, "p": 1}})"), "t");
  EXPECT_EQ(blur->describe(), "Blur(blur_limit=(3, 3), p=1)");
  EXPECT_EQ(build_transform(config::json::parse(R"({"MotionBlur": {"blur_limit": 3, "p": 1}})"), "t")->describe(),
            "MotionBlur(blur_limit=(3, 3), allow_shifted=true, p=1)");
  EXPECT_EQ(build_transform(config::json::parse(R"("Sharpen")"), "t")->describe(),
            "Sharpen(alpha=(0.2, 0.5), lightness=(0.5, 1), p=0.5)");
  EXPECT_EQ(build_transform(config::json::parse(R"({"Perspective": {"p": 0.5}})"), "t")->describe(),
            "Perspective(scale=(0.05, 0.1), keep_size=true, pad_mode=constant, interpolation=linear, p=0.5)");
  EXPECT_THROW(build_transform(config::json::parse(R"({"Perspective": {"fit_output": true}})"), "t"), ConfigError);
  EXPECT_THROW(build_transform(config::json::parse(R"({"MotionBlur": {"blur_limt": 3}})"), "t"), ConfigError);
}

// CoarseDropout: holes of the drawn sizes filled in the image; the mask only with mask_fill_value.
TEST(CoarseDropout, FillsHolesOfTheDrawnSizeInTheImageAndOptionallyTheMask) {
  data::Sample sample;
  sample.image = cv::Mat(40, 60, CV_8UC3, cv::Scalar(200, 200, 200));
  sample.mask = cv::Mat(40, 60, CV_8UC1, cv::Scalar(1));
  CoarseDropoutOptions o;
  o.holes = {1, 1};
  o.height = {10, 10};
  o.width = {20, 20};
  o.p = 1.0;
  auto copy = sample;
  copy.image = sample.image.clone();
  copy.mask = sample.mask.clone();
  Rng rng(3);
  CoarseDropout{o}(copy, rng);
  cv::Mat grey;
  cv::cvtColor(copy.image, grey, cv::COLOR_RGB2GRAY);
  EXPECT_EQ(cv::countNonZero(grey == 0), 10 * 20);
  EXPECT_EQ(cv::countNonZero(copy.mask), 40 * 60) << "no mask_fill_value: labels kept";

  o.height = {0.5, 0.5};  // fractions: half the height, a quarter of the width
  o.width = {0.25, 0.25};
  o.mask_fill_value = FillValue{0};
  copy.image = sample.image.clone();
  copy.mask = sample.mask.clone();
  CoarseDropout{o}(copy, rng);
  EXPECT_EQ(cv::countNonZero(copy.mask == 0), 20 * 15);
  o.height = {4, 0.5};
  EXPECT_THROW(CoarseDropout{o}, ConfigError);
}

TEST(CoarseDropout, TakesAlbumentations1And2NamesWithTheirDefaults) {
  const auto v1 = build_transform(config::json::parse(R"({"CoarseDropout": {"max_holes": 4, "max_height": 6}})"), "t");
  EXPECT_EQ(v1->describe(),
            "CoarseDropout(holes=(4, 4), height=(6, 6), width=(8, 8), fill_value=none, mask_fill_value=none, p=0.5)");
  const auto v2 = build_transform(config::json::parse(R"({"CoarseDropout": {"num_holes_range": [1, 3], "fill_mask": 0}})"), "t");
  EXPECT_EQ(v2->describe(),
            "CoarseDropout(holes=(1, 3), height=(0.1, 0.2), width=(0.1, 0.2), fill_value=none, mask_fill_value=[0], p=0.5)");
  EXPECT_EQ(build_transform(config::json::parse(R"({"Cutout": {"num_holes": 2, "max_h_size": 5}})"), "t")->describe(),
            "CoarseDropout(holes=(2, 2), height=(5, 5), width=(8, 8), fill_value=none, mask_fill_value=none, p=0.5)");
  // A 1.x key beside 2.x ones is not silently ignored.
  EXPECT_THROW(build_transform(config::json::parse(R"({"CoarseDropout": {"num_holes_range": [1, 3], "max_height": 6}})"), "t"),
               ConfigError);
}

// RandomScale with albumentations' scale_limit: fixed factors give the buildings pipeline's chips at
// scales 0.5 and 2 (a OneOf of them beside scale 1).
TEST(RandomScale, ScalesImageAndMaskByTheDrawnFactor) {
  const auto half = build_transform(config::json::parse(R"({"RandomScale": {"scale_limit": [-0.5, -0.5], "p": 1}})"), "t");
  EXPECT_EQ(half->describe(), "RandomScale(scale=(0.5, 0.5), interpolation=linear, p=1)");
  auto sample = test::rgb_sample();
  Rng rng(1);
  half->operator()(sample, rng);
  EXPECT_EQ(sample.image.size(), cv::Size(test::kWidth / 2, test::kHeight / 2));
  EXPECT_EQ(sample.mask.size(), sample.image.size());
  EXPECT_EQ(build_transform(config::json::parse(R"({"RandomScale": {"scale_limit": 0.2}})"), "t")->describe(),
            "RandomScale(scale=(0.8, 1.2), interpolation=linear, p=0.5)");
  EXPECT_THROW(build_transform(config::json::parse(R"({"RandomScale": {"scale_limit": [-1, 0]}})"), "t"), ConfigError);
}

// albumentations 2.x names beside 1.x ones: fill / fill_mask for the warps and pads, GaussNoise's
// std_range (a fraction of the maximum value).
TEST(Albumentations2Names, FillAndStdRangeAreAccepted) {
  const auto pad = build_transform(
      config::json::parse(R"({"PadIfNeeded": {"min_height": 64, "min_width": 80, "border_mode": "constant", "fill": 7, "fill_mask": 3}})"),
      "t");
  auto sample = test::rgb_sample();
  Rng rng(0);
  pad->operator()(sample, rng);
  EXPECT_EQ(sample.image.at<cv::Vec3b>(0, 0), cv::Vec3b(7, 7, 7));
  EXPECT_EQ(sample.mask.at<uint8_t>(0, 0), 3);
  EXPECT_THROW(build_transform(config::json::parse(R"({"PadIfNeeded": {"value": 1, "fill": 2}})"), "t"), ConfigError);

  const auto noise = build_transform(config::json::parse(R"({"GaussNoise": {"std_range": [0.1, 0.1], "p": 1}})"), "t");
  EXPECT_EQ(noise->describe(), "GaussNoise(std_range=(0.1, 0.1), mean_range=(0, 0), per_channel=true, p=1)");
  data::Sample flat;
  flat.image = cv::Mat(100, 100, CV_32FC1, cv::Scalar(0.5f));
  noise->operator()(flat, rng);
  cv::Scalar mean, stddev;
  cv::meanStdDev(flat.image, mean, stddev);
  EXPECT_NEAR(stddev[0], 0.1, 0.01);  // 0.1 of the float maximum 1.0
  EXPECT_THROW(build_transform(config::json::parse(R"({"GaussNoise": {"std_range": [0.1, 0.2], "var_limit": 10}})"), "t"),
               ConfigError);
}

}  // namespace
}  // namespace segkit::transforms
