#include <gtest/gtest.h>

#include <torch/torch.h>

#include <opencv2/core.hpp>

#include "segkit/core/error.h"
#include "segkit/data/prepared_dataset.h"
#include "segkit/io/image_io.h"
#include "segkit/nn/tensor_io.h"
#include "segkit/pipeline/pseudo_label_run.h"
#include "segkit/submit/prediction_dir.h"
#include "tests/support/test_support.h"

namespace segkit::pipeline {
namespace {

namespace fs = std::filesystem;
const std::vector<std::string> kClasses = {"a", "b"};

// Image i of the folder is 6x8 grey level 10 * (i + 1). Its prediction: class a's probability
// `pa` on the left half (0 on the right), class b's `pb` everywhere; masks p > 0.5; classifier
// labels `labels` when given.
void write_image_and_prediction(const fs::path& root, submit::PredictionIndex& index, int i, double pa, double pb,
                                std::vector<float> labels = {}) {
  const std::string id = "img" + std::to_string(i) + ".png";
  fs::create_directories(root / "images");
  io::write_image(root / "images" / id, cv::Mat(6, 8, CV_8UC3, cv::Scalar::all(10 * (i + 1))));
  auto probabilities = torch::zeros({2, 6, 8}, torch::kUInt8);
  probabilities[0].narrow(1, 0, 4).fill_(static_cast<int64_t>(std::lround(pa * 255)));
  probabilities[1].fill_(static_cast<int64_t>(std::lround(pb * 255)));
  cv::Mat masks(6, 8, CV_8UC2, cv::Scalar(0, pb > 0.5 ? 1 : 0));
  if (pa > 0.5) masks(cv::Rect(0, 0, 4, 6)).setTo(cv::Scalar(1, pb > 0.5 ? 1 : 0));
  index.images.push_back(submit::write_prediction_masks(root / "pred", id, masks, kClasses));
  fs::create_directories(root / "pred/probabilities");
  nn::NamedTensors tensors{{"probabilities", probabilities}};
  if (!labels.empty()) tensors.emplace_back("labels", torch::tensor(labels));
  nn::save_safetensors(root / "pred/probabilities" / ("img" + std::to_string(i) + ".safetensors"), tensors);
}

PseudoLabelRequest request_for(const fs::path& root) {
  PseudoLabelRequest request;
  request.predictions = root / "pred";
  request.input = root / "images";
  request.out_dir = root / "pseudo";
  return request;
}

TEST(PseudoLabel, KeepsImagesWhoseEveryClassIsConfidentWithEmptyMasksForAbsentClasses) {
  test::TempDir root;
  submit::PredictionIndex index{kClasses, {}};
  write_image_and_prediction(root.path(), index, 0, 0.9, 0.6, {0.9f, 0.1f});   // b surely absent: emptied
  write_image_and_prediction(root.path(), index, 1, 0.9, 0.1, {0.5f, 0.1f});   // a unsure: left out
  write_image_and_prediction(root.path(), index, 2, 0.2, 0.9, {0.05f, 0.95f});
  submit::write_prediction_index(root / "pred", index);

  const auto summary = pseudo_label(request_for(root.path()));
  EXPECT_EQ(summary.images, 3u);
  EXPECT_EQ(summary.selected, 2u);
  EXPECT_EQ(summary.selected_with_class, (std::vector<size_t>{1, 1}));
  const data::PreparedDataset hard(root / "pseudo");
  ASSERT_EQ(hard.size(), 2u);
  EXPECT_EQ(hard.class_names(), kClasses);
  const auto first = hard.get(0);
  EXPECT_EQ(first.id, "img0.png");
  EXPECT_EQ(first.image.at<cv::Vec3b>(0, 0), cv::Vec3b(10, 10, 10));
  ASSERT_EQ(first.mask.type(), CV_8UC2);
  EXPECT_EQ(first.mask.at<cv::Vec2b>(2, 1), cv::Vec2b(1, 0));  // a's left half; b emptied
  EXPECT_EQ(first.mask.at<cv::Vec2b>(2, 6), cv::Vec2b(0, 0));
  EXPECT_EQ(hard.get(1).id, "img2.png");
  EXPECT_EQ(hard.get(1).mask.at<cv::Vec2b>(0, 0), cv::Vec2b(0, 1));

  auto soft_request = request_for(root.path());
  soft_request.soft = true;
  soft_request.out_dir = root / "soft";
  pseudo_label(soft_request);
  const auto soft = data::PreparedDataset(root / "soft").get(1);  // img2: a absent, b 0.9
  ASSERT_EQ(soft.mask.type(), CV_32FC2);
  EXPECT_FLOAT_EQ(soft.mask.at<cv::Vec2f>(3, 2)[0], 0.f);
  EXPECT_FLOAT_EQ(soft.mask.at<cv::Vec2f>(3, 2)[1], 230.f / 255.f);  // round(0.9 * 255)
}

// --agree, as the clouds two-stage pipeline published it: a channel qualifies only when the final mask
// agrees with the classifier (empty and cls < lo, or non-empty and cls > hi).
TEST(PseudoLabel, AClassifierMustAgreeWithTheFinalMasks) {
  test::TempDir root;
  submit::PredictionIndex index{kClasses, {}};
  write_image_and_prediction(root.path(), index, 0, 0.9, 0.6, {0.9f, 0.1f});   // b's mask is not empty: disagrees
  write_image_and_prediction(root.path(), index, 1, 0.9, 0.1, {0.5f, 0.1f});   // a unsure
  write_image_and_prediction(root.path(), index, 2, 0.2, 0.9, {0.05f, 0.95f}); // agrees on both
  submit::write_prediction_index(root / "pred", index);
  auto request = request_for(root.path());
  request.classifier = root / "pred";
  EXPECT_EQ(pseudo_label(request).selected, 2u);  // without --agree img0 is kept, b emptied
  request.agree = true;
  request.out_dir = root / "agreeing";
  const auto summary = pseudo_label(request);
  EXPECT_EQ(summary.selected, 1u);
  EXPECT_EQ(summary.disagreeing, 1u);
  EXPECT_EQ(data::PreparedDataset(root / "agreeing").get(0).id, "img2.png");
}

TEST(PseudoLabel, WithoutAClassifierThePeakProbabilityDecides) {
  test::TempDir root;
  submit::PredictionIndex index{kClasses, {}};
  write_image_and_prediction(root.path(), index, 0, 0.8, 0.2);  // peaks 0.8 / 0.2: sure
  write_image_and_prediction(root.path(), index, 1, 0.8, 0.4);  // b's peak 0.4: unsure
  submit::write_prediction_index(root / "pred", index);
  auto request = request_for(root.path());
  EXPECT_EQ(pseudo_label(request).selected, 1u);
  request.low = 0.45;  // now 0.4 is surely absent
  request.out_dir = root / "wider";
  EXPECT_EQ(pseudo_label(request).selected, 2u);
}

// Predictions written at a quarter of the image size (the clouds kernels: 350x525 for 1400x2100)
// label the full-size image: masks by nearest neighbour, soft labels bilinear.
TEST(PseudoLabel, PredictionsAtAnotherSizeLabelTheImageAtItsOwnSize) {
  test::TempDir root;
  submit::PredictionIndex index{kClasses, {}};
  write_image_and_prediction(root.path(), index, 0, 0.9, 0.1, {0.9f, 0.1f});
  submit::write_prediction_index(root / "pred", index);
  io::write_image(root / "images/img0.png", cv::Mat(24, 32, CV_8UC3, cv::Scalar::all(10)));  // 4x the prediction

  const auto hard = [&] {
    pseudo_label(request_for(root.path()));
    return data::PreparedDataset(root / "pseudo").get(0);
  }();
  ASSERT_EQ(hard.mask.size(), cv::Size(32, 24));
  EXPECT_EQ(hard.mask.at<cv::Vec2b>(12, 15), cv::Vec2b(1, 0));  // a's left half, scaled
  EXPECT_EQ(hard.mask.at<cv::Vec2b>(12, 16), cv::Vec2b(0, 0));
  auto soft_request = request_for(root.path());
  soft_request.soft = true;
  soft_request.out_dir = root / "soft";
  pseudo_label(soft_request);
  const auto soft = data::PreparedDataset(root / "soft").get(0);
  ASSERT_EQ(soft.mask.size(), cv::Size(32, 24));
  EXPECT_FLOAT_EQ(soft.mask.at<cv::Vec2f>(12, 2)[0], 230.f / 255.f);
}

TEST(PseudoLabel, RefusesBadThresholdsMissingImagesAndAnEmptySelection) {
  test::TempDir root;
  submit::PredictionIndex index{kClasses, {}};
  write_image_and_prediction(root.path(), index, 0, 0.5, 0.5, {0.5f, 0.5f});
  submit::write_prediction_index(root / "pred", index);
  auto request = request_for(root.path());
  request.low = 0.8;
  EXPECT_THROW(pseudo_label(request), ConfigError);
  request.low = 0.3;
  try {
    pseudo_label(request);
    FAIL() << "an empty selection was written";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("no image"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(root / "pseudo/prepared.json"));
  fs::remove(root / "images/img0.png");
  io::write_image(root / "images/other.png", cv::Mat(6, 8, CV_8UC3, cv::Scalar::all(1)));
  try {
    pseudo_label(request);
    FAIL() << "a prediction without its image was accepted";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("'img0.png'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace segkit::pipeline
