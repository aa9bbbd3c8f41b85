// The multiclass scores from pixel counts, against values worked out by hand.

#include "segkit/core/confusion_matrix.h"

#include <gtest/gtest.h>

#include <cmath>

#include "segkit/core/error.h"
#include "segkit/core/task_mode.h"

namespace segkit {
namespace {

// Truth rows, prediction columns:      pred 0  pred 1  pred 2
//                              true 0      6       2       0
//                              true 1      1       3       0
//                              true 2      0       0       0   (class 2 seen nowhere)
ConfusionMatrix example() {
  ConfusionMatrix m(3);
  m.add(0, 0, 6);
  m.add(0, 1, 2);
  m.add(1, 0, 1);
  m.add(1, 1, 3);
  return m;
}

TEST(ConfusionMatrix, ScoresPerClassAndMeansOverTheClassesThatOccur) {
  const auto m = example();
  EXPECT_EQ(m.total(), 12);
  EXPECT_EQ(m.truth_pixels(0), 8);
  EXPECT_EQ(m.predicted_pixels(0), 7);
  EXPECT_DOUBLE_EQ(m.iou(0), 6.0 / 9.0);   // TP 6, FP 1, FN 2
  EXPECT_DOUBLE_EQ(m.iou(1), 3.0 / 6.0);   // TP 3, FP 2, FN 1
  EXPECT_DOUBLE_EQ(m.dice(0), 12.0 / 15.0);
  EXPECT_DOUBLE_EQ(m.dice(1), 6.0 / 9.0);
  EXPECT_TRUE(std::isnan(m.iou(2)));
  EXPECT_TRUE(std::isnan(m.dice(2)));
  EXPECT_DOUBLE_EQ(m.mean_iou(), (6.0 / 9.0 + 0.5) / 2.0);  // class 2 left out, not counted as 0 or 1
  EXPECT_DOUBLE_EQ(m.mean_dice(), (12.0 / 15.0 + 6.0 / 9.0) / 2.0);
  EXPECT_DOUBLE_EQ(m.pixel_accuracy(), 9.0 / 12.0);
}

TEST(ConfusionMatrix, AClassPredictedButAbsentFromTheTruthScoresZero) {
  ConfusionMatrix m(2);
  m.add(0, 0, 5);
  m.add(0, 1, 5);
  EXPECT_DOUBLE_EQ(m.iou(1), 0.0);
  EXPECT_DOUBLE_EQ(m.mean_iou(), 0.25);
}

TEST(ConfusionMatrix, RoundTripsThroughJsonAndAddsCounts) {
  const auto m = example();
  const auto again = ConfusionMatrix::from_json(m.to_json());
  EXPECT_EQ(again.counts(), m.counts());
  ConfusionMatrix sum(3);
  sum.add(m);
  sum.add(again);
  EXPECT_EQ(sum.count(0, 0), 12);
  EXPECT_THROW(sum.add_counts({1, 2, 3}), ShapeError);
  EXPECT_THROW(sum.add(3, 0), ShapeError);
  EXPECT_THROW(ConfusionMatrix::from_json(nlohmann::json::parse("[[1, 2], [3]]")), ConfigError);
  EXPECT_THROW(ConfusionMatrix::from_json(nlohmann::json::parse("[[1, -2], [3, 4]]")), ConfigError);
  EXPECT_TRUE(std::isnan(ConfusionMatrix(2).mean_iou()));
  EXPECT_TRUE(std::isnan(ConfusionMatrix(2).pixel_accuracy()));
}

TEST(TaskMode, ParsesTheThreeModesAndSuggestsTheClosest) {
  EXPECT_EQ(parse_task_mode("multiclass"), TaskMode::kMulticlass);
  EXPECT_EQ(task_mode_name(parse_task_mode("multilabel")), "multilabel");
  try {
    parse_task_mode("multiclas", "model.mode");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("model.mode: unknown mode 'multiclas'; did you mean 'multiclass'?"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace segkit
