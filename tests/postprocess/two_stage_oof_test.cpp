// Tuning on a two-stage pipeline's output: the classifier's out-of-fold probabilities and seg1's
// empty masks, joined by image id, change what the search sees exactly as the pipeline would.

#include <gtest/gtest.h>

#include "segkit/core/error.h"
#include "segkit/postprocess/threshold_search.h"
#include "segkit/postprocess/two_stage_oof.h"

namespace segkit::postprocess {
namespace {

// One class; every image predicts a 400-pixel blob at p = 0.8, true only on even images. The
// segmentation run's own head is useless (0.5 everywhere).
OofData segmentation_oof(int count) {
  OofData oof;
  oof.num_classes = 1;
  for (int i = 0; i < count; ++i) {
    OofImage image;
    image.id = "img" + std::to_string(i);
    cv::Mat p = cv::Mat::zeros(32, 32, CV_8U), t = cv::Mat::zeros(32, 32, CV_8U);
    p(cv::Rect(6, 6, 20, 20)).setTo(204);
    if (i % 2 == 0) t(cv::Rect(6, 6, 20, 20)).setTo(1);
    image.probabilities = {p};
    image.masks = {t};
    image.labels = {0.5f};
    oof.images.push_back(image);
  }
  return oof;
}

// Another stage's out-of-fold data in reverse order: joined by id, not by position.
OofData classifier_oof(int count) {
  OofData oof;
  oof.num_classes = 1;
  for (int i = count - 1; i >= 0; --i) {
    OofImage image;
    image.id = "img" + std::to_string(i);
    image.labels = {i % 2 == 0 ? 0.8f : 0.15f};
    oof.images.push_back(image);
  }
  return oof;
}

TEST(TwoStageOof, TheClassifierGateIsTunedOnItsOwnProbabilities) {
  auto oof = segmentation_oof(10);
  const auto alone = search_postprocess(oof, {"c"});
  EXPECT_DOUBLE_EQ(alone.classes[0].tuned_dice, 0.5);  // the head's 0.5 separates nothing
  attach_classifier(oof, classifier_oof(10), "runs/cls");
  EXPECT_FLOAT_EQ(oof.images[3].labels[0], 0.15f);
  const auto gated = search_postprocess(oof, {"c"});
  EXPECT_DOUBLE_EQ(gated.classes[0].tuned_dice, 1.0);
  ASSERT_TRUE(gated.classes[0].params.cls_threshold.has_value());
  EXPECT_GT(*gated.classes[0].params.cls_threshold, 0.15);
  EXPECT_LE(*gated.classes[0].params.cls_threshold, 0.8);
}

TEST(TwoStageOof, Seg1EmptyMasksStayEmptyInTheSearchAndTheScore) {
  auto oof = segmentation_oof(10);
  // seg1 predicts the blob only on even images (p 0.9), nothing on odd ones.
  OofData seg1 = segmentation_oof(10);
  for (size_t i = 1; i < seg1.images.size(); i += 2) seg1.images[i].probabilities[0].setTo(0);
  attach_emptiness(oof, seg1, PostprocessConfig{}, {"c"}, "runs/seg1");
  EXPECT_EQ(oof.images[1].emptied[0], 1);
  EXPECT_EQ(oof.images[2].emptied[0], 0);
  const auto result = search_postprocess(oof, {"c"});
  EXPECT_DOUBLE_EQ(result.classes[0].default_dice, 1.0);
  EXPECT_DOUBLE_EQ(mean_dice(oof, 0, result.classes[0].params), 1.0);
}

TEST(TwoStageOof, MissingImagesAndOtherClassCountsNameTheRun) {
  auto oof = segmentation_oof(4);
  auto short_classifier = classifier_oof(3);
  try {
    attach_classifier(oof, short_classifier, "runs/cls");
    FAIL() << "no DataError";
  } catch (const DataError& error) {
    EXPECT_NE(std::string(error.what()).find("runs/cls: no out-of-fold prediction for image 'img3'"), std::string::npos)
        << error.what();
  }
  auto two_classes = classifier_oof(4);
  two_classes.num_classes = 2;
  EXPECT_THROW(attach_classifier(oof, two_classes, "runs/cls"), DataError);
  EXPECT_THROW(attach_emptiness(oof, classifier_oof(4), PostprocessConfig{}, {"c"}, "runs/seg1"), DataError);
  EXPECT_THROW(search_postprocess(classifier_oof(4), {"c"}), DataError);
}

}  // namespace
}  // namespace segkit::postprocess
