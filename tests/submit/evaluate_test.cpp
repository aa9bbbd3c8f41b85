#include <gtest/gtest.h>

#include <opencv2/core.hpp>

#include "segkit/core/error.h"
#include "segkit/submit/evaluate.h"
#include "segkit/submit/submission_writer.h"
#include "tests/submit/submit_test_util.h"
#include "tests/support/test_support.h"

namespace segkit::submit {
namespace {

// Truth held in memory, so the hand-computed case needs no files.
class MemoryDataset : public data::Dataset {
 public:
  MemoryDataset(std::vector<std::string> classes, std::vector<data::Sample> samples)
      : classes_(std::move(classes)), samples_(std::move(samples)) {}
  size_t size() const override { return samples_.size(); }
  data::Sample get(size_t i) const override { return samples_.at(i); }
  const std::vector<std::string>& class_names() const override { return classes_; }
  std::string id(size_t i) const override { return samples_.at(i).id; }

 private:
  std::vector<std::string> classes_;
  std::vector<data::Sample> samples_;
};

cv::Mat mask_2x4(std::initializer_list<std::tuple<int, int, int>> on) {  // (class, y, x)
  cv::Mat mask = cv::Mat::zeros(2, 4, CV_8UC2);
  for (const auto& [c, y, x] : on) mask.at<cv::Vec2b>(y, x)[c] = 1;
  return mask;
}

PredictionIndex write_dir(const std::filesystem::path& dir, const std::vector<std::string>& classes,
                          const std::vector<data::Sample>& samples) {
  PredictionIndex index{classes, {}};
  for (const auto& s : samples) index.images.push_back(write_prediction_masks(dir, s.id, s.mask, classes));
  write_prediction_index(dir, index);
  return index;
}

TEST(Evaluate, HandComputedDiceIouAndImageScores) {
  test::TempDir dir;
  const std::vector<std::string> classes{"a", "b"};
  MemoryDataset truth(classes, {{"A.png", {}, mask_2x4({{0, 0, 0}, {0, 0, 1}})},
                                {"B.png", {}, mask_2x4({})},
                                {"C.png", {}, mask_2x4({{0, 1, 3}, {1, 0, 2}, {1, 1, 2}, {1, 0, 3}})}});
  write_dir(dir.path(), classes,
            {{"A.png", {}, mask_2x4({{0, 0, 0}, {0, 1, 0}})},
             {"B.png", {}, mask_2x4({{1, 1, 1}})},
             {"C.png", {}, mask_2x4({{1, 0, 2}, {1, 1, 2}, {1, 0, 3}})}});
  const Evaluation e = evaluate(truth, *open_prediction_dir(dir.path()));
  EXPECT_DOUBLE_EQ(e.dice, 3.5 / 6);  // pairs: 0.5, 1 | 1, 0 | 0, 1
  EXPECT_DOUBLE_EQ(e.dice_pos, (0.5 + 6.0 / 7) / 2);
  EXPECT_DOUBLE_EQ(e.dice_neg, 0.0);
  EXPECT_EQ(e.positive_images, 2u);
  EXPECT_EQ(e.negative_images, 1u);
  EXPECT_EQ(e.empty_pairs, 3u);
  EXPECT_DOUBLE_EQ(e.classes[0].dice, 0.4);  // tp 1, fp 1, fn 2
  EXPECT_DOUBLE_EQ(e.classes[0].iou, 0.25);
  EXPECT_DOUBLE_EQ(e.classes[1].dice, 6.0 / 7);  // tp 3, fp 1, fn 0
  EXPECT_DOUBLE_EQ(e.classes[1].iou, 0.75);
  EXPECT_EQ(e.classes[1].predicted_images, 2u);
  EXPECT_EQ(to_json(e)["classes"][1]["name"], "b");
}

TEST(Evaluate, PerfectAndEmptyPredictionsOfSynthSteel) {
  test::TempDir dir;
  const auto summary = testing::synth(data::SynthKind::kSteel, dir / "data", 8);
  MemoryDataset truth(summary.classes, summary.samples);
  write_dir(dir / "pred", summary.classes, summary.samples);
  const Evaluation perfect = evaluate(truth, *open_prediction_dir(dir / "pred"));
  EXPECT_DOUBLE_EQ(perfect.dice, 1.0);
  EXPECT_DOUBLE_EQ(perfect.dice_pos, 1.0);
  EXPECT_DOUBLE_EQ(perfect.dice_neg, 1.0);
  for (const auto& score : perfect.classes) EXPECT_DOUBLE_EQ(score.iou, 1.0) << score.name;

  std::vector<data::Sample> empty = summary.samples;
  // A fresh Mat: assigning Mat::zeros() would zero the shared truth buffer in place.
  for (auto& sample : empty) sample.mask = cv::Mat(sample.mask.size(), sample.mask.type(), cv::Scalar::all(0));
  write_dir(dir / "empty", summary.classes, empty);
  const Evaluation none = evaluate(truth, *open_prediction_dir(dir / "empty"));
  EXPECT_GT(none.empty_pairs, 0u);
  EXPECT_LT(none.empty_pairs, none.pairs);
  EXPECT_DOUBLE_EQ(none.dice, static_cast<double>(none.empty_pairs) / none.pairs);
  EXPECT_DOUBLE_EQ(none.dice_pos, 0.0);
}

TEST(Evaluate, ReadsSubmissionsAtTheTruthSize) {
  test::TempDir dir;
  const auto summary = testing::synth(data::SynthKind::kPneumo, dir / "data", 5);
  MemoryDataset truth(summary.classes, summary.samples);
  const auto index = testing::index_of(summary);
  SubmissionOptions options;
  options.format = SubmissionFormat::kSiim;
  write_submission(dir / "sub.csv", index, [&](size_t i) { return summary.samples[i].mask; }, options);
  const Evaluation e = evaluate(truth, *open_submission(dir / "sub.csv", SubmissionFormat::kSiim, summary.classes));
  EXPECT_DOUBLE_EQ(e.dice, 1.0);
}

TEST(Evaluate, IdsMissingOnEitherSideAreNamed) {
  test::TempDir dir;
  const std::vector<std::string> classes{"a", "b"};
  write_dir(dir.path(), classes, {{"A.png", {}, mask_2x4({})}, {"X.png", {}, mask_2x4({})}});
  MemoryDataset truth(classes, {{"A.png", {}, mask_2x4({})}, {"B.png", {}, mask_2x4({})}});
  try {
    evaluate(truth, *open_prediction_dir(dir.path()));
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("'B.png'"), std::string::npos) << e.what();
  }
  MemoryDataset fewer(classes, {{"A.png", {}, mask_2x4({})}});
  try {
    evaluate(fewer, *open_prediction_dir(dir.path()));
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("'X.png'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace segkit::submit
