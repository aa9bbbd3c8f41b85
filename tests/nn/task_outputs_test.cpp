// How logits and one-hot masks become probabilities, class indices and pixel counts per task mode.

#include "segkit/nn/task_outputs.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "segkit/core/error.h"

namespace segkit::nn {
namespace {

constexpr int kVoid = static_cast<int>(kVoidIndex);

TEST(TaskOutputs, SoftmaxForMulticlassSigmoidOtherwise) {
  torch::manual_seed(0);
  const auto logits = torch::randn({2, 3, 4, 5});
  const auto softmax = output_probabilities(logits, TaskMode::kMulticlass);
  EXPECT_TRUE(torch::allclose(softmax.sum(1), torch::ones({2, 4, 5})));
  EXPECT_TRUE(torch::equal(output_probabilities(logits, TaskMode::kMultilabel), torch::sigmoid(logits)));
  EXPECT_TRUE(torch::equal(output_probabilities(logits, TaskMode::kBinary), torch::sigmoid(logits)));
}

TEST(TaskOutputs, OneHotMasksBecomeClassIndicesWithVoidWhereNoClassIsSet) {
  // Pixel (0,0) class 2, (0,1) class 0, (1,0) no class (void), (1,1) class 1.
  auto masks = torch::zeros({1, 3, 2, 2});
  masks[0][2][0][0] = 1;
  masks[0][0][0][1] = 1;
  masks[0][1][1][1] = 1;
  const auto labels = class_labels(masks);
  EXPECT_TRUE(torch::equal(labels, torch::tensor({{{2, 0}, {kVoid, 1}}}, torch::kLong)));
  const auto back = one_hot_masks(labels, 3);
  EXPECT_TRUE(torch::equal(back, masks));  // void comes back as no class
  EXPECT_THROW(class_labels(torch::zeros({3, 2, 2})), ShapeError);
}

TEST(TaskOutputs, ConfusionCountsLeaveVoidPixelsOut) {
  const auto truth = torch::tensor({{{0, 1}, {kVoid, 1}}}, torch::kLong);
  const auto predicted = torch::tensor({{{0, 0}, {1, 1}}}, torch::kLong);
  // (0,0): 0->0; (0,1): 1->0; (1,0): void; (1,1): 1->1.
  EXPECT_EQ(confusion_counts(predicted, truth, 2), (std::vector<int64_t>{1, 0, 1, 1}));
}

TEST(TaskOutputs, PredictedMasksAreTheArgmaxForMulticlassAndAThresholdOtherwise) {
  const auto probabilities = torch::tensor({{{{0.6f}}, {{0.7f}}, {{0.1f}}}});  // (1, 3, 1, 1)
  EXPECT_TRUE(torch::equal(predicted_masks(probabilities, TaskMode::kMulticlass, 0.5),
                           torch::tensor({{{{0.f}}, {{1.f}}, {{0.f}}}})));
  EXPECT_TRUE(torch::equal(predicted_masks(probabilities, TaskMode::kMultilabel, 0.5),
                           torch::tensor({{{{1.f}}, {{1.f}}, {{0.f}}}})));
}

}  // namespace
}  // namespace segkit::nn
