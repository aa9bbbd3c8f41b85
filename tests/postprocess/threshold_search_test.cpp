// The search finds constructed optima, agrees with apply_postprocess, and is fast at benchmark size.

#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <opencv2/imgproc.hpp>

#include "segkit/core/error.h"
#include "segkit/postprocess/threshold_search.h"

namespace segkit::postprocess {
namespace {

// Class 0: truth squares at p = 79/255 ringed by p = 74/255 outside the truth, plus 150-pixel noise
// blobs at p = 0.9: only threshold 0.30 separates square from ring, and only min_area 200 of
// {0, 100, 200, 500} drops the noise and keeps the 400-pixel squares.
// Class 1: a 900-pixel blob in every image, true only where the classifier says 0.9 (not 0.1).
OofData constructed(int count) {
  OofData oof;
  oof.num_classes = 2;
  for (int i = 0; i < count; ++i) {
    OofImage image;
    image.id = "img" + std::to_string(i);
    const bool positive = i % 2 == 0;
    cv::Mat p0 = cv::Mat::zeros(64, 64, CV_8U), t0 = cv::Mat::zeros(64, 64, CV_8U);
    if (positive) {
      p0(cv::Rect(8, 8, 24, 24)).setTo(74);
      p0(cv::Rect(10, 10, 20, 20)).setTo(79);
      t0(cv::Rect(10, 10, 20, 20)).setTo(1);
    }
    p0(cv::Rect(40, 40, 10, 15)).setTo(230);
    cv::Mat p1 = cv::Mat::zeros(64, 64, CV_8U), t1 = cv::Mat::zeros(64, 64, CV_8U);
    p1(cv::Rect(20, 20, 30, 30)).setTo(200);
    if (positive) t1(cv::Rect(20, 20, 30, 30)).setTo(1);
    image.probabilities = {p0, p1};
    image.masks = {t0, t1};
    image.labels = {0.5f, positive ? 0.9f : 0.1f};
    oof.images.push_back(image);
  }
  return oof;
}

TEST(ThresholdSearch, FindsConstructedThresholdMinAreaAndGate) {
  const OofData oof = constructed(20);
  SearchOptions options;
  options.min_areas = {500, 0, 100, 200};
  const auto result = search_postprocess(oof, {"defect", "gated"}, options);
  ASSERT_EQ(result.classes.size(), 2u);
  const auto& defect = result.classes[0];
  EXPECT_EQ(defect.name, "defect");
  EXPECT_DOUBLE_EQ(defect.params.threshold, 0.30);
  EXPECT_EQ(defect.params.min_area, 200);
  EXPECT_DOUBLE_EQ(defect.tuned_dice, 1.0);
  EXPECT_DOUBLE_EQ(defect.default_dice, 0.0);
  const auto& gated = result.classes[1];
  ASSERT_TRUE(gated.params.cls_threshold.has_value());
  EXPECT_GT(*gated.params.cls_threshold, 0.1);
  EXPECT_LE(*gated.params.cls_threshold, 0.9);
  EXPECT_DOUBLE_EQ(gated.default_dice, 0.5);
  EXPECT_DOUBLE_EQ(gated.tuned_dice, 1.0);
  for (int c = 0; c < 2; ++c) {
    EXPECT_DOUBLE_EQ(mean_dice(oof, c, result.classes[c].params), result.classes[c].tuned_dice);
    EXPECT_DOUBLE_EQ(mean_dice(oof, c, ClassPostprocess{}), result.classes[c].default_dice);
  }
  const auto table = format_search_table(result);
  EXPECT_NE(table.find("defect"), std::string::npos) << table;
  EXPECT_NE(table.find("0.30"), std::string::npos) << table;
  EXPECT_EQ(result.to_config().per_class[0], defect.params);

  options.search_cls_threshold = false;
  const auto ungated = search_postprocess(oof, {"defect", "gated"}, options);
  EXPECT_FALSE(ungated.classes[1].params.cls_threshold);
  EXPECT_DOUBLE_EQ(ungated.classes[1].tuned_dice, 0.5) << "ties keep the defaults";
  EXPECT_DOUBLE_EQ(ungated.classes[1].params.threshold, 0.5);
  EXPECT_THROW(search_postprocess(oof, {"one"}), ShapeError);
}

// A fixed min_total or min_prob_sum is part of every candidate (the fast path agrees with
// apply_postprocess under it) and is written with the result.
TEST(ThresholdSearch, SearchesUnderAFixedMinTotalOrMinProbSum) {
  const OofData oof = constructed(20);
  for (const bool by_sum : {false, true}) {
    SearchOptions options;
    options.min_areas = {0, 100, 200, 500};
    if (by_sum) {
      options.min_prob_sum = 150.0;
    } else {
      options.min_total = 150;
    }
    ClassPostprocess rule;  // the fixed rule, everything else at its default
    rule.min_total = options.min_total;
    rule.min_prob_sum = options.min_prob_sum;
    const auto result = search_postprocess(oof, {"defect", "gated"}, options);
    for (int c = 0; c < 2; ++c) {
      EXPECT_EQ(result.classes[c].params.min_total, rule.min_total);
      EXPECT_EQ(result.classes[c].params.min_prob_sum, rule.min_prob_sum);
      EXPECT_DOUBLE_EQ(mean_dice(oof, c, result.classes[c].params), result.classes[c].tuned_dice) << by_sum;
      EXPECT_DOUBLE_EQ(mean_dice(oof, c, rule), result.classes[c].default_dice) << by_sum;
    }
  }
}

// Per-fold optima averaged (the SIIM kernel): two folds whose optima differ give their mean, scored
// on all images together.
TEST(ThresholdSearch, PerFoldOptimaAreAveraged) {
  const OofData all = constructed(20);
  OofData first = all, second = all;
  first.images.resize(10);
  second.images.erase(second.images.begin(), second.images.begin() + 10);
  for (auto& image : second.images) {  // the second fold's squares need threshold 0.20 instead
    cv::Mat p = image.probabilities[0].clone();
    p.setTo(54, p == 79);
    p.setTo(49, p == 74);
    image.probabilities[0] = p;
  }
  SearchOptions options;
  options.min_areas = {0, 200};
  const double first_threshold = search_postprocess(first, {"defect", "gated"}, options).classes[0].params.threshold;
  const double second_threshold = search_postprocess(second, {"defect", "gated"}, options).classes[0].params.threshold;
  ASSERT_NE(first_threshold, second_threshold);
  OofData both = first;
  both.images.insert(both.images.end(), second.images.begin(), second.images.end());
  const auto result = search_postprocess_per_fold({first, second}, both, {"defect", "gated"}, options);
  EXPECT_DOUBLE_EQ(result.classes[0].params.threshold, (first_threshold + second_threshold) / 2);
  EXPECT_DOUBLE_EQ(result.classes[0].tuned_dice, mean_dice(both, 0, result.classes[0].params));
  EXPECT_THROW(search_postprocess_per_fold({}, both, {"defect", "gated"}, options), DataError);
}

TEST(ThresholdSearch, DefaultMinAreaGridScalesWithImageArea) {
  EXPECT_EQ(default_min_areas(kReferenceArea),
            (std::vector<int>{0, 100, 200, 500, 1000, 2000, 5000, 10000, 15000, 20000}));
  EXPECT_EQ(default_min_areas(kReferenceArea / 2).at(1), 50);
  EXPECT_EQ(default_min_areas(10.0), (std::vector<int>{0, 1}));
  EXPECT_EQ(default_min_areas(64.0 * 400.0),
            (std::vector<int>{0, 14, 28, 70, 139, 279, 697, 1393, 2090, 2786}));  // docs/pipeline.md
}

// 1000 images x 4 classes at 64 x 400, the benchmark-sized case; the time is printed.
TEST(ThresholdSearch, BenchmarkSizedCaseTunesInSeconds) {
  OofData oof;
  oof.num_classes = 4;
  cv::RNG rng(7);
  for (int i = 0; i < 1000; ++i) {
    OofImage image;
    image.id = std::to_string(i);
    for (int c = 0; c < 4; ++c) {
      cv::Mat p(64, 400, CV_8U), t = cv::Mat::zeros(64, 400, CV_8U);
      rng.fill(p, cv::RNG::UNIFORM, 0, 90);
      if (rng.uniform(0, 2) == 1) {
        const cv::Point centre(rng.uniform(40, 360), rng.uniform(10, 54));
        const cv::Size axes(rng.uniform(10, 40), rng.uniform(5, 20));
        cv::ellipse(t, centre, axes, 0, 0, 360, cv::Scalar(1), cv::FILLED);
        cv::ellipse(p, centre + cv::Point(3, 0), axes, 0, 0, 360, cv::Scalar(rng.uniform(120, 250)), cv::FILLED);
      }
      image.probabilities.push_back(p);
      image.masks.push_back(t);
    }
    oof.images.push_back(std::move(image));
  }
  const auto start = std::chrono::steady_clock::now();
  const auto result = search_postprocess(oof, {"1", "2", "3", "4"});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "tuned 1000 images x 4 classes at 64x400 in " << seconds << " s\n" << format_search_table(result);
  RecordProperty("tune_seconds", std::to_string(seconds));
  EXPECT_GE(result.mean_tuned_dice(), result.mean_default_dice());
  EXPECT_LT(seconds, 120.0);
}

}  // namespace
}  // namespace segkit::postprocess
