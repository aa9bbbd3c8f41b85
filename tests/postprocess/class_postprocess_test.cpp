// Each post-processing step on hand-made masks, and the order apply_postprocess runs them in.

#include <gtest/gtest.h>

#include "segkit/core/error.h"
#include "segkit/postprocess/class_postprocess.h"

namespace segkit::postprocess {
namespace {

cv::Mat mask_from(const std::vector<std::string>& rows) {
  cv::Mat out(static_cast<int>(rows.size()), static_cast<int>(rows[0].size()), CV_8U);
  for (int y = 0; y < out.rows; ++y) {
    for (int x = 0; x < out.cols; ++x) out.at<uint8_t>(y, x) = rows[y][x] == '#' ? 1 : 0;
  }
  return out;
}

bool same(const cv::Mat& a, const cv::Mat& b) { return a.size() == b.size() && cv::countNonZero(a != b) == 0; }

TEST(PostprocessThreshold, StrictlyGreaterAndUint8AgreesWithFloat) {
  cv::Mat p32 = (cv::Mat_<float>(1, 3) << 0.2f, 0.5f, 0.7f);
  EXPECT_TRUE(same(threshold_probability(p32, 0.5), (cv::Mat_<uint8_t>(1, 3) << 0, 0, 1)));
  cv::Mat p8(1, 256, CV_8U), pf(1, 256, CV_32F);
  for (int v = 0; v < 256; ++v) p8.at<uint8_t>(v) = uint8_t(v), pf.at<float>(v) = float(v) / 255.0f;
  for (double t : {0.0, 0.2, 0.3, 0.45, 0.5, 0.6, 1.0}) {
    EXPECT_TRUE(same(threshold_probability(p8, t), threshold_probability(pf, t))) << t;
  }
  EXPECT_EQ(cv::countNonZero(threshold_probability(p8, 0.3)), 255 - 76);  // 77/255 > 0.3 > 76/255
  EXPECT_THROW(threshold_probability(cv::Mat(2, 2, CV_16U), 0.5), ShapeError);
}

TEST(PostprocessComponents, EightConnectedDiagonalPairIsOneComponent) {
  const cv::Mat mask = mask_from({"#....",
                                  ".#...",
                                  ".....",
                                  "....#"});
  EXPECT_TRUE(same(remove_small_components(mask, 2), mask_from({"#....", ".#...", ".....", "....."})));
  EXPECT_EQ(cv::countNonZero(remove_small_components(mask, 3)), 0);
  EXPECT_TRUE(same(remove_small_components(mask, 0), mask));
}

TEST(PostprocessFillHoles, FillsEnclosedBackgroundOnly) {
  const cv::Mat mask = mask_from({"#####.",
                                  "#..#..",
                                  "#####.",
                                  "......",
                                  "..#.#.",
                                  "...#.."});
  const cv::Mat expected = mask_from({"#####.",
                                      "####..",
                                      "#####.",
                                      "......",
                                      "..#.#.",
                                      "...#.."});
  EXPECT_TRUE(same(fill_mask_holes(mask), expected));
  // A ring closed only diagonally still encloses its centre under 8-connectivity.
  const cv::Mat diamond = mask_from({".#.", "#.#", ".#."});
  EXPECT_EQ(fill_mask_holes(diamond).at<uint8_t>(1, 1), 1);
}

TEST(PostprocessShape, ConvexHullOfAnLAndBoundingBox) {
  const cv::Mat l_shape = mask_from({"#....",
                                     "#....",
                                     "#....",
                                     "#####"});
  const cv::Mat hull = apply_shape(l_shape, "convex_hull");
  // OpenCV fills every pixel a hull edge passes through, as cv2.fillPoly did in the pipelines.
  EXPECT_TRUE(same(hull, mask_from({"#....", "###..", "####.", "#####"})));
  EXPECT_EQ(cv::countNonZero(apply_shape(l_shape, "bbox")), 20);
  const cv::Mat two = mask_from({"##...", "##...", ".....", "...#."});
  EXPECT_TRUE(same(apply_shape(two, "bbox"), two)) << "one box per component";
  EXPECT_THROW(apply_shape(l_shape, "convex"), ConfigError);
}

TEST(PostprocessApply, MinTotalGatingAndOrder) {
  cv::Mat p = cv::Mat::zeros(6, 6, CV_32F);
  p(cv::Rect(0, 0, 3, 3)).setTo(0.9f);
  p.at<float>(5, 5) = 0.9f;
  ClassPostprocess params;
  EXPECT_EQ(cv::countNonZero(apply_postprocess(p, params)), 10);
  params.min_area = 2;
  EXPECT_EQ(cv::countNonZero(apply_postprocess(p, params)), 9);
  params.min_total = 10;  // counted after min_area removed the single pixel
  EXPECT_EQ(cv::countNonZero(apply_postprocess(p, params)), 0);
  params.min_total = 9;
  params.cls_threshold = 0.6;
  EXPECT_EQ(cv::countNonZero(apply_postprocess(p, params, 0.7)), 9);
  EXPECT_EQ(cv::countNonZero(apply_postprocess(p, params, 0.5)), 0);
  EXPECT_THROW(apply_postprocess(p, params), DataError);
  params.shape = "box";
  try {
    apply_postprocess(p, params, 0.7);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'bbox'"), std::string::npos) << e.what();
  }
}

// The pneumothorax kernel's noise rule sums probabilities, not thresholded pixels: many faint pixels
// (each below the threshold) can keep a mask that a pixel count would empty, and the reverse.
TEST(PostprocessApply, MinProbSumCountsProbabilitiesBeforeTheThreshold) {
  cv::Mat p(10, 10, CV_32F, cv::Scalar(0.1f));  // sum 10 from faint pixels alone
  p(cv::Rect(0, 0, 2, 2)).setTo(0.9f);           // 4 sure pixels: sum 10 - 0.4 + 3.6 = 13.2
  ClassPostprocess params;
  params.min_prob_sum = 13.0;
  EXPECT_EQ(cv::countNonZero(apply_postprocess(p, params)), 4);
  params.min_prob_sum = 13.5;
  EXPECT_EQ(cv::countNonZero(apply_postprocess(p, params)), 0);
  cv::Mat bytes;
  p.convertTo(bytes, CV_8U, 255.0);  // 26 and 230: the sum is in units of p either way
  EXPECT_NEAR(probability_sum(bytes), (96 * 26 + 4 * 230) / 255.0, 1e-9);
  params.min_prob_sum = -1;
  EXPECT_THROW(validate(params), ConfigError);
}

TEST(PostprocessApply, HolesFilledBeforeShapeAndMinTotal) {
  cv::Mat p = cv::Mat::zeros(5, 5, CV_8U);
  p(cv::Rect(0, 0, 3, 3)).setTo(255);
  p.at<uint8_t>(1, 1) = 0;
  ClassPostprocess params;
  params.min_total = 9;
  EXPECT_EQ(cv::countNonZero(apply_postprocess(p, params)), 0) << "8 pixels without hole filling";
  params.fill_holes = true;
  EXPECT_EQ(cv::countNonZero(apply_postprocess(p, params)), 9);
}

}  // namespace
}  // namespace segkit::postprocess
