// Colour, blur, noise and Normalize: known values, depths, channel rules, and the mask untouched.
#include <gtest/gtest.h>

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "segkit/core/error.h"
#include "segkit/transforms/transforms.h"
#include "tests/transforms/transform_test_util.h"

namespace segkit::transforms {
namespace {

using test::rgb_sample;

data::Sample constant_sample(int type, double value) {
  data::Sample sample;
  sample.image = cv::Mat(test::kHeight, test::kWidth, type, cv::Scalar::all(value));
  sample.mask = cv::Mat::zeros(test::kHeight, test::kWidth, CV_8UC1);
  sample.mask.at<uint8_t>(3, 4) = 1;
  return sample;
}

TEST(Normalize, ImageNetDefaultsOnAKnownPixel) {
  data::Sample sample = constant_sample(CV_8UC3, 0);
  sample.image.at<cv::Vec3b>(0, 0) = cv::Vec3b(124, 116, 104);
  sample.image.at<cv::Vec3b>(0, 1) = cv::Vec3b(255, 0, 128);
  Rng rng(0);
  Normalize()(sample, rng);
  ASSERT_EQ(sample.image.type(), CV_32FC3);
  const cv::Vec3f a = sample.image.at<cv::Vec3f>(0, 0);
  EXPECT_NEAR(a[0], (124 / 255.0 - 0.485) / 0.229, 1e-5);
  EXPECT_NEAR(a[1], (116 / 255.0 - 0.456) / 0.224, 1e-5);
  EXPECT_NEAR(a[2], (104 / 255.0 - 0.406) / 0.225, 1e-5);
  const cv::Vec3f b = sample.image.at<cv::Vec3f>(0, 1);
  EXPECT_NEAR(b[0], (1.0 - 0.485) / 0.229, 1e-5);
  EXPECT_NEAR(b[1], (0.0 - 0.456) / 0.224, 1e-5);
  EXPECT_NEAR(b[2], (128 / 255.0 - 0.406) / 0.225, 1e-5);
  EXPECT_EQ(sample.mask.type(), CV_8UC1);
}

TEST(Normalize, GreyImagesUseTheFirstValueAndUInt16NeedsMaxPixelValue) {
  data::Sample grey = constant_sample(CV_8UC1, 51);
  Rng rng(0);
  Normalize()(grey, rng);
  EXPECT_NEAR(grey.image.at<float>(0, 0), (0.2 - 0.485) / 0.229, 1e-5);

  data::Sample raw = constant_sample(CV_16UC1, 4095);
  NormalizeOptions o;
  o.mean = {0.5};
  o.std = {0.25};
  o.max_pixel_value = 4095;  // 12-bit sensor data
  Normalize{o}(raw, rng);
  EXPECT_NEAR(raw.image.at<float>(0, 0), 2.0, 1e-5);

  // The 8-bit default on a 16-bit image would give values up to 257: refused, naming the image.
  data::Sample sixteen = constant_sample(CV_16UC3, 40000);
  sixteen.id = "scan_07.png";
  try {
    Normalize()(sixteen, rng);
    FAIL() << "a 16-bit image normalised by 255";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("scan_07.png"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("max_pixel_value"), std::string::npos) << e.what();
  }
}

TEST(Normalize, MismatchedChannelsAreAShapeError) {
  data::Sample four = constant_sample(CV_8UC4, 1);
  Rng rng(0);
  EXPECT_THROW(Normalize()(four, rng), ShapeError);
  NormalizeOptions o;
  o.std = {0.2, 0.0, 0.2};
  EXPECT_THROW(Normalize{o}, ConfigError);
}

TEST(RandomBrightnessContrast, FixedShiftOnUInt8TruncatesAndClips) {
  RandomBrightnessContrastOptions o;
  o.brightness_limit = {0.1, 0.1};  // + 25.5
  o.contrast_limit = {0, 0};
  o.p = 1;
  data::Sample sample = constant_sample(CV_8UC3, 100);
  sample.image.at<cv::Vec3b>(0, 0) = cv::Vec3b(250, 0, 1);
  const cv::Mat mask = sample.mask.clone();
  Rng rng(0);
  RandomBrightnessContrast{o}(sample, rng);
  EXPECT_EQ(sample.image.at<cv::Vec3b>(1, 1), cv::Vec3b(125, 125, 125));  // 125.5 truncated
  EXPECT_EQ(sample.image.at<cv::Vec3b>(0, 0), cv::Vec3b(255, 25, 26));
  EXPECT_TRUE(test::same(sample.mask, mask));
}

TEST(RandomBrightnessContrast, FloatImagesStayInZeroOne) {
  RandomBrightnessContrastOptions o;
  o.brightness_limit = {0.1, 0.1};
  o.contrast_limit = {1, 1};  // x2
  o.p = 1;
  data::Sample sample = constant_sample(CV_32FC1, 0.3);
  sample.image.at<float>(0, 0) = 0.6f;
  Rng rng(0);
  RandomBrightnessContrast{o}(sample, rng);
  EXPECT_NEAR(sample.image.at<float>(1, 1), 0.7, 1e-6);
  EXPECT_FLOAT_EQ(sample.image.at<float>(0, 0), 1.0f);
}

TEST(RandomGamma, FixedGammaOnUInt8AndFloat) {
  data::Sample sample = constant_sample(CV_8UC1, 128);
  Rng rng(0);
  RandomGamma({200, 200}, 1.0)(sample, rng);
  EXPECT_EQ(sample.image.at<uint8_t>(0, 0), 64);  // (128/255)^2 * 255 = 64.25
  data::Sample f = constant_sample(CV_32FC3, 0.5);
  RandomGamma({50, 50}, 1.0)(f, rng);
  EXPECT_NEAR(f.image.at<cv::Vec3f>(0, 0)[1], std::sqrt(0.5), 1e-6);
  EXPECT_THROW(RandomGamma({-120, 120}), ConfigError);  // what a scalar gamma_limit means
}

TEST(HueSaturationValue, UInt8AndFloatAgreeAndTheMaskIsUntouched) {
  HueSaturationValueOptions o;
  o.hue_shift_limit = {10, 10};
  o.sat_shift_limit = {-20, -20};
  o.val_shift_limit = {15, 15};
  o.p = 1;
  data::Sample bytes = rgb_sample(3, CV_8U);
  data::Sample floats = rgb_sample(3, CV_32F);
  const cv::Mat mask = bytes.mask.clone();
  Rng rng(0);
  HueSaturationValue{o}(bytes, rng);
  HueSaturationValue{o}(floats, rng);
  cv::Mat as_bytes;
  floats.image.convertTo(as_bytes, CV_8UC3, 255.0);
  cv::Mat diff;
  cv::absdiff(as_bytes, bytes.image, diff);
  double worst = 0;
  cv::minMaxLoc(diff.reshape(1), nullptr, &worst);
  EXPECT_LE(worst, 6.0);  // 8-bit HSV quantisation
  EXPECT_GT(cv::norm(bytes.image, rgb_sample(3, CV_8U).image, cv::NORM_L1), 0.0);
  EXPECT_TRUE(test::same(bytes.mask, mask));
}

TEST(HueSaturationValue, GreyImagesGetOnlyTheValueShiftOtherChannelCountsAreErrors) {
  HueSaturationValueOptions o;
  o.val_shift_limit = {10, 10};
  o.p = 1;
  data::Sample grey = constant_sample(CV_8UC1, 100);
  Rng rng(0);
  HueSaturationValue{o}(grey, rng);
  EXPECT_EQ(grey.image.at<uint8_t>(0, 0), 110);
  for (int channels : {2, 4}) {
    data::Sample other = constant_sample(CV_8UC(channels), 1);
    try {
      HueSaturationValue(HueSaturationValueOptions{})(other, rng);  // p = 0.5: checked anyway
      FAIL() << channels;
    } catch (const ShapeError& e) {
      EXPECT_NE(std::string(e.what()).find("3-channel"), std::string::npos) << e.what();
    }
  }
}

TEST(CLAHE, EqualisesUInt8GreyAndRgbRejectsFloat) {
  for (int channels : {1, 3}) {
    data::Sample sample = rgb_sample(channels, CV_8U);
    const cv::Mat before = sample.image.clone();
    Rng rng(0);
    CLAHE({4, 4}, {8, 8}, 1.0)(sample, rng);
    EXPECT_EQ(sample.image.type(), before.type());
    EXPECT_GT(cv::norm(sample.image, before, cv::NORM_L1), 0.0);
  }
  data::Sample floats = rgb_sample(3, CV_32F);
  Rng rng(0);
  EXPECT_THROW(CLAHE()(floats, rng), DataError);
}

TEST(GaussNoise, NoiseHasTheDrawnVarianceAndIsScaledForFloatImages) {
  data::Sample bytes = constant_sample(CV_8UC3, 128);
  const cv::Mat mask = bytes.mask.clone();
  Rng rng(0);
  GaussNoise({36, 36}, 0, true, 1.0)(bytes, rng);
  cv::Scalar mean, stddev;
  cv::meanStdDev(bytes.image.reshape(1), mean, stddev);
  EXPECT_NEAR(mean[0], 128 - 0.5, 0.3);  // truncation lowers the mean by about 0.5
  EXPECT_NEAR(stddev[0], 6.0, 0.3);
  EXPECT_TRUE(test::same(bytes.mask, mask));

  data::Sample floats = constant_sample(CV_32FC1, 0.5);
  GaussNoise({36, 36}, 0, false, 1.0)(floats, rng);
  cv::meanStdDev(floats.image, mean, stddev);
  EXPECT_NEAR(stddev[0], 6.0 / 255, 0.3 / 255);

  data::Sample saturated = constant_sample(CV_8UC1, 254);
  GaussNoise({400, 400}, 0, true, 1.0)(saturated, rng);
  double lo = 0, hi = 0;
  cv::minMaxLoc(saturated.image, &lo, &hi);
  EXPECT_EQ(hi, 255);
  EXPECT_THROW(GaussNoise({-1, 3}), ConfigError);
}

TEST(GaussianBlur, SmoothsTheImageOnlyAndRejectsEvenKernels) {
  data::Sample sample = rgb_sample(5, CV_32F);  // more than 4 channels
  sample.image.at<float>(10, 10 * 5 + 4) = 100.0f;
  const cv::Mat mask = sample.mask.clone();
  Rng rng(0);
  GaussianBlur({5, 5}, {0, 0}, 1.0)(sample, rng);
  EXPECT_LT(sample.image.at<float>(10, 10 * 5 + 4), 50.0f);
  EXPECT_GT(sample.image.at<float>(10, 11 * 5 + 4), 1.0f);
  EXPECT_TRUE(test::same(sample.mask, mask));
  EXPECT_THROW(GaussianBlur({4, 6}), ConfigError);
  data::Sample flat = constant_sample(CV_8UC3, 77);
  GaussianBlur({3, 7}, {0, 0}, 1.0)(flat, rng);
  EXPECT_EQ(cv::countNonZero(flat.image.reshape(1) != 77), 0);
}

TEST(ColorTransforms, RejectUnsupportedDepthsBeforeTheDraw) {
  data::Sample doubles = constant_sample(CV_64FC3, 0.5);
  Rng rng(0);
  EXPECT_THROW(RandomBrightnessContrast()(doubles, rng), DataError);
  EXPECT_THROW(RandomGamma()(doubles, rng), DataError);
  EXPECT_THROW(GaussNoise()(doubles, rng), DataError);
}

TEST(ColorTransforms, UInt16ImagesKeepTheirDepth) {
  data::Sample sample = rgb_sample(3, CV_16U);
  Rng rng(0);
  RandomBrightnessContrastOptions bc;
  bc.p = 1;
  RandomBrightnessContrast{bc}(sample, rng);
  RandomGamma({80, 120}, 1.0)(sample, rng);
  HueSaturationValueOptions hsv;
  hsv.p = 1;
  HueSaturationValue{hsv}(sample, rng);
  GaussNoise({10, 50}, 0, true, 1.0)(sample, rng);
  EXPECT_EQ(sample.image.type(), CV_16UC3);
}

// fastai's lighting works in logit space: logit(out) = (logit(in) + logit(change)) * scale, one
// affine map for every pixel of a sample (checked on a gradient, up to uint8 rounding).
TEST(FastaiTransforms, LightingIsAffineInLogitSpace) {
  FastaiTransformsOptions o;
  o.do_flip = false;
  o.max_rotate = 0;
  o.max_zoom = 1;
  o.max_warp = 0;
  o.p_lighting = 1.0;
  const FastaiTransforms lighting(o);
  data::Sample sample;
  sample.image = cv::Mat(1, 200, CV_8UC1);
  for (int x = 0; x < 200; ++x) sample.image.at<uint8_t>(0, x) = static_cast<uint8_t>(28 + x);
  const cv::Mat before = sample.image.clone();
  Rng rng(5);
  lighting(sample, rng);
  const auto logit = [](double v) { return std::log(v / (1 - v)); };
  const auto at = [&](const cv::Mat& m, int x) { return logit(m.at<uint8_t>(0, x) / 255.0); };
  const double slope = (at(sample.image, 190) - at(sample.image, 10)) / (at(before, 190) - at(before, 10));
  EXPECT_GT(std::abs(slope - 1.0) + std::abs(at(sample.image, 100) - at(before, 100)), 0.01) << "nothing changed";
  for (int x = 20; x < 180; x += 20) {
    const double predicted = at(sample.image, 10) + slope * (at(before, x) - at(before, 10));
    EXPECT_NEAR(at(sample.image, x), predicted, 0.06) << x;  // uint8 rounding, steepest near the ends
  }
}

}  // namespace
}  // namespace segkit::transforms
