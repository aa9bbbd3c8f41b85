// Hand-computed cases for stats, reductions, meters and the classification metrics.
#include <gtest/gtest.h>

#include <cmath>
#include <torch/torch.h>

#include "segkit/core/error.h"
#include "segkit/metrics/metrics.h"
#include "tests/support/vector_inputs.h"

namespace segkit::metrics {
namespace {

TEST(MetricStats, MulticlassCountsWithIgnoreIndex) {
  // One image of 6 pixels, 3 classes; the last pixel is void (255).
  auto target = torch::tensor({0, 1, 1, 2, 2, 255}, torch::kLong).reshape({1, 6});
  auto output = torch::tensor({0, 1, 2, 2, 0, 1}, torch::kLong).reshape({1, 6});
  StatsOptions options;
  options.num_classes = 3;
  options.ignore_index = 255;
  auto s = get_stats(output, target, Mode::kMulticlass, options);
  EXPECT_TRUE(torch::equal(s.tp, torch::tensor({{1, 1, 1}}, torch::kLong)));
  EXPECT_TRUE(torch::equal(s.fp, torch::tensor({{1, 0, 1}}, torch::kLong)));
  EXPECT_TRUE(torch::equal(s.fn, torch::tensor({{0, 1, 1}}, torch::kLong)));
  EXPECT_TRUE(torch::equal(s.tn, torch::tensor({{3, 3, 2}}, torch::kLong)));
  options.ignore_index = 1;
  EXPECT_THROW(get_stats(output, target, Mode::kMulticlass, options), ConfigError);
  options.ignore_index.reset();
  options.num_classes.reset();
  EXPECT_THROW(get_stats(output, target, Mode::kMulticlass, options), ConfigError);
}

TEST(MetricStats, ThresholdTieFollowsTheInequality) {
  auto probs = torch::tensor({0.5f, 0.7f, 0.2f}).reshape({1, 1, 3});
  auto target = torch::tensor({1, 1, 0}, torch::kLong).reshape({1, 1, 3});
  StatsOptions options;
  options.threshold = 0.5;
  EXPECT_EQ(get_stats(probs, target, Mode::kBinary, options).tp.item<int64_t>(), 2);
  options.strict = true;
  EXPECT_EQ(get_stats(probs, target, Mode::kBinary, options).tp.item<int64_t>(), 1);
}

Stats two_by_two() {
  // Image 0: class 0 tp 2 fp 1 fn 1 tn 4, class 1 empty everywhere; image 1: class 0 tp 1, class 1 fp 2.
  return {torch::tensor({{2, 0}, {1, 0}}, torch::kLong), torch::tensor({{1, 0}, {0, 2}}, torch::kLong),
          torch::tensor({{1, 0}, {0, 0}}, torch::kLong), torch::tensor({{4, 8}, {7, 6}}, torch::kLong)};
}

TEST(MetricScores, ReductionsAsSmp) {
  const auto s = two_by_two();
  auto value = [&](Reduction r, std::vector<double> w = {}) {
    return iou_score(s, {r, std::move(w)}).item<double>();
  };
  EXPECT_NEAR(value(Reduction::kMicro), 3.0 / 7.0, 1e-7);                        // tp 3, fp 3, fn 1
  EXPECT_NEAR(value(Reduction::kMacro), (3.0 / 5.0 + 0.0) / 2.0, 1e-7);         // class 0: 3/(3+1+1)
  EXPECT_NEAR(value(Reduction::kWeighted, {3, 1}), 0.75 * 0.6, 1e-7);
  EXPECT_NEAR(value(Reduction::kMicroImagewise), (2.0 / 4.0 + 1.0 / 3.0) / 2.0, 1e-7);
  // Per (image, class): [[0.5, 1 (0/0)], [1, 0]] -> image means, then class means.
  EXPECT_NEAR(value(Reduction::kMacroImagewise), (0.5 + 1 + 1 + 0) / 4.0, 1e-7);
  EXPECT_TRUE(torch::allclose(iou_score(s, {Reduction::kNone}), torch::tensor({{0.5f, 1.0f}, {1.0f, 0.0f}})));
  EXPECT_NEAR(iou_score(s, {Reduction::kNone, {}, 0.0})[0][1].item<double>(), 0.0, 0);
  EXPECT_THROW(iou_score(s, {Reduction::kWeighted}), ConfigError);
  EXPECT_NEAR(f1_score(s, {Reduction::kMicro}).item<double>(), 6.0 / 10.0, 1e-7);
  EXPECT_NEAR(fbeta_score(s, 2.0, {Reduction::kMicro}).item<double>(), 5.0 * 3 / (5.0 * 3 + 4 * 1 + 3), 1e-7);
  EXPECT_NEAR(precision(s, {Reduction::kMicro}).item<double>(), 0.5, 1e-7);
  EXPECT_NEAR(recall(s, {Reduction::kMicro}).item<double>(), 0.75, 1e-7);
  EXPECT_NEAR(accuracy(s, {Reduction::kMicro}).item<double>(), 28.0 / 32.0, 1e-7);
  EXPECT_NEAR(score_by_name("dice", s, {Reduction::kMicro}).item<double>(), 0.6, 1e-7);
  EXPECT_THROW(parse_reduction("micro_imagewise"), ConfigError);
  EXPECT_THROW(score_by_name("iuo", s), ConfigError);
}

TEST(MetricMeter, EpochEqualsConcatenatedBatches) {
  const auto inputs = test::vector_inputs("B");
  const auto probs = torch::sigmoid(inputs.logits);
  StatsOptions options;
  options.threshold = 0.5;
  StatsMeter meter(Mode::kMultilabel, options);
  AverageMeter losses;
  for (auto [begin, end] : {std::pair{0, 1}, std::pair{1, 3}, std::pair{3, 4}}) {
    meter.add(probs.slice(0, begin, end), inputs.target.slice(0, begin, end));
    losses.add(0.5 * begin, end - begin);
  }
  const auto whole = get_stats(probs, inputs.target, Mode::kMultilabel, options);
  ASSERT_EQ(meter.images(), 4);
  for (auto r : {Reduction::kMicro, Reduction::kMacro, Reduction::kMicroImagewise, Reduction::kMacroImagewise}) {
    EXPECT_EQ(iou_score(meter.stats(), {r}).item<double>(), iou_score(whole, {r}).item<double>());
    EXPECT_EQ(f1_score(meter.stats(), {r}).item<double>(), f1_score(whole, {r}).item<double>());
  }
  EXPECT_EQ(kaggle_dice(meter.stats()).mean, kaggle_dice(whole).mean);
  EXPECT_EQ(pos_neg_dice(meter.stats()).mean, pos_neg_dice(whole).mean);
  EXPECT_DOUBLE_EQ(losses.value(), (0.0 * 1 + 0.5 * 2 + 1.5 * 1) / 4);
  meter.reset();
  EXPECT_EQ(meter.images(), 0);
}

TEST(MetricRocAuc, TiesCountHalfAsSklearn) {
  // sklearn's docstring example: 0.75.
  EXPECT_DOUBLE_EQ(roc_auc(torch::tensor({0.1, 0.4, 0.35, 0.8}), torch::tensor({0, 0, 1, 1})), 0.75);
  // Positives 0.4 and 0.8 against negatives 0.1 and 0.4: pairs 1, 0.5 (tie), 1, 1 -> 3.5 / 4.
  EXPECT_DOUBLE_EQ(roc_auc(torch::tensor({0.1, 0.4, 0.4, 0.8}), torch::tensor({0, 0, 1, 1})), 0.875);
  // All scores tied: 0.5 whatever the labels.
  EXPECT_DOUBLE_EQ(roc_auc(torch::tensor({0.3, 0.3, 0.3}), torch::tensor({1, 0, 0})), 0.5);
  // Two columns: the macro mean.
  auto scores = torch::tensor({{0.1, 0.9}, {0.4, 0.2}, {0.4, 0.3}, {0.8, 0.1}});
  auto labels = torch::tensor({{0, 1}, {0, 0}, {1, 1}, {1, 0}});
  EXPECT_DOUBLE_EQ(roc_auc(scores, labels), (0.875 + 1.0) / 2);
  EXPECT_THROW(roc_auc(torch::tensor({0.2, 0.7}), torch::tensor({1, 1})), DataError);
}

TEST(MetricClassification, PerColumnAucAndF1AsSklearn) {
  auto scores = torch::tensor({{0.1, 0.9, 0.7}, {0.4, 0.2, 0.6}, {0.4, 0.3, 0.2}, {0.8, 0.1, 0.9}});
  auto labels = torch::tensor({{0, 1, 1}, {0, 0, 1}, {1, 1, 1}, {1, 0, 1}});
  const auto auc = roc_auc_per_column(scores, labels);
  ASSERT_EQ(auc.size(), 3u);
  EXPECT_DOUBLE_EQ(auc[0], 0.875);
  EXPECT_DOUBLE_EQ(auc[1], 1.0);
  EXPECT_TRUE(std::isnan(auc[2]));  // every image has class 2: undefined, where sklearn raises
  // sklearn f1_score per column at p > 0.5: column 0 TP 1 FN 1 -> 2/3; column 1 TP 1 FN 1 -> 2/3;
  // column 2 TP 3 FN 1 -> 6/7.
  const auto f1 = f1_per_column(scores, labels, 0.5);
  EXPECT_DOUBLE_EQ(f1[0], 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(f1[1], 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(f1[2], 6.0 / 7.0);
  // Neither truth nor prediction positive: 0 (sklearn's zero_division default).
  EXPECT_DOUBLE_EQ(f1_per_column(torch::tensor({{0.1}, {0.2}}), torch::tensor({{0}, {0}}))[0], 0.0);
  EXPECT_THROW(f1_per_column(torch::tensor({0.1, 0.2}), torch::tensor({0, 1})), ShapeError);
}

TEST(MetricClassification, AccuracyAndMeter) {
  auto probs = torch::tensor({0.9, 0.2, 0.6, 0.4});
  auto labels = torch::tensor({1.0, 0.0, 0.0, 0.0});
  EXPECT_DOUBLE_EQ(classification_accuracy(probs, labels), 0.75);
  auto multiclass = torch::tensor({{0.1, 0.7, 0.2}, {0.8, 0.1, 0.1}});
  EXPECT_DOUBLE_EQ(classification_accuracy(multiclass, torch::tensor({1, 2})), 0.5);
  ClassificationMeter meter;
  meter.add(probs.slice(0, 0, 2), labels.slice(0, 0, 2));
  meter.add(probs.slice(0, 2, 4), labels.slice(0, 2, 4));
  EXPECT_EQ(meter.samples(), 4);
  EXPECT_DOUBLE_EQ(meter.accuracy(), 0.75);
  EXPECT_DOUBLE_EQ(meter.auc(), 1.0);
}

}  // namespace
}  // namespace segkit::metrics
