#include <gtest/gtest.h>

#include <torch/torch.h>

#include <opencv2/core.hpp>

#include "segkit/core/error.h"
#include "segkit/nn/tensor_io.h"
#include "segkit/pipeline/ensemble_run.h"
#include "segkit/submit/prediction_dir.h"
#include "tests/support/test_support.h"

namespace segkit::pipeline {
namespace {

namespace fs = std::filesystem;
const std::vector<std::string> kClasses = {"a", "b"};

// A one-image prediction directory: class a has probability `p` everywhere (mask: p > 0.5),
// class b the mask `b_on` and probability 0 or 1 accordingly.
void write_member(const fs::path& dir, double p, bool b_on, std::vector<float> labels = {}) {
  auto probabilities = torch::zeros({2, 4, 6}, torch::kUInt8);
  probabilities[0].fill_(static_cast<int64_t>(std::lround(p * 255)));
  probabilities[1].fill_(b_on ? 255 : 0);
  cv::Mat masks(4, 6, CV_8UC2, cv::Scalar(p > 0.5 ? 1 : 0, b_on ? 1 : 0));
  submit::PredictionIndex index{kClasses, {submit::write_prediction_masks(dir, "x.png", masks, kClasses)}};
  fs::create_directories(dir / "probabilities");
  nn::NamedTensors tensors{{"probabilities", probabilities}};
  if (!labels.empty()) tensors.emplace_back("labels", torch::tensor(labels));
  nn::save_safetensors(dir / "probabilities/x.safetensors", tensors);
  submit::write_prediction_index(dir, index);
}

cv::Mat result(const fs::path& dir) {
  const auto index = submit::read_prediction_index(dir);
  return submit::read_prediction_masks(dir, index.images.at(0), index.classes);
}

TEST(Ensemble, WeightedMeanOfProbabilitiesThenThreshold) {
  test::TempDir dir;
  write_member(dir / "m1", 0.2, true);
  write_member(dir / "m2", 0.8, false);
  EnsembleRequest request;
  request.members = {{dir / "m1", 1.0}, {dir / "m2", 1.0}};
  request.out_dir = dir / "mean";
  EXPECT_EQ(ensemble_predictions(request), 1u);
  // a: (51 + 204) / 2 / 255 = 0.5 -> round 128 > 127.5: on; b: 0.5 -> 128: on.
  EXPECT_EQ(result(dir / "mean").at<cv::Vec2b>(0, 0), cv::Vec2b(1, 1));
  EXPECT_TRUE(fs::exists(dir / "mean/probabilities/x.safetensors"));

  request.members = {{dir / "m1", 3.0}, {dir / "m2", 1.0}};  // a: 0.35, b: 0.75
  request.out_dir = dir / "weighted";
  ensemble_predictions(request);
  EXPECT_EQ(result(dir / "weighted").at<cv::Vec2b>(3, 5), cv::Vec2b(0, 1));
}

TEST(Ensemble, WeightedMajorityVoteOfMasks) {
  test::TempDir dir;
  write_member(dir / "m1", 0.9, true);
  write_member(dir / "m2", 0.9, false);
  write_member(dir / "m3", 0.1, false);
  EnsembleRequest request;
  request.method = "vote";
  request.members = {{dir / "m1", 1.0}, {dir / "m2", 1.0}, {dir / "m3", 1.0}};
  request.out_dir = dir / "vote";
  ensemble_predictions(request);
  EXPECT_EQ(result(dir / "vote").at<cv::Vec2b>(1, 1), cv::Vec2b(1, 0));  // a: 2 of 3; b: 1 of 3
  request.members[2].weight = 3.0;  // a: 2 of 5 weight
  request.out_dir = dir / "heavy";
  ensemble_predictions(request);
  EXPECT_EQ(result(dir / "heavy").at<cv::Vec2b>(1, 1), cv::Vec2b(0, 0));
}

// The clouds two-stage pipeline: seg1 says which masks are empty, the members draw the shapes, the
// classifier removes more.
TEST(Ensemble, TwoStageGatesBySeg1EmptinessAndClassifierThresholds) {
  test::TempDir dir;
  write_member(dir / "seg2", 0.9, true);                      // both classes drawn
  write_member(dir / "seg1", 0.1, true);                      // seg1: class a empty
  write_member(dir / "cls", 0.5, false, {0.9f, 0.2f});        // classifier: b unlikely
  const auto post = test::write_text(dir / "post.yaml", "classes:\n  b: {cls_threshold: 0.3}\n");
  EnsembleRequest request;
  request.members = {{dir / "seg2", 1.0}};
  request.out_dir = dir / "seg1_only";
  request.emptiness = dir / "seg1";
  ensemble_predictions(request);
  EXPECT_EQ(result(dir / "seg1_only").at<cv::Vec2b>(2, 2), cv::Vec2b(0, 1));

  request.emptiness.reset();
  request.classifier = dir / "cls";
  request.postprocess = post;
  request.out_dir = dir / "cls_only";
  ensemble_predictions(request);
  EXPECT_EQ(result(dir / "cls_only").at<cv::Vec2b>(2, 2), cv::Vec2b(1, 0));

  request.emptiness = dir / "seg1";
  request.method = "vote";
  request.out_dir = dir / "both";
  ensemble_predictions(request);
  EXPECT_EQ(result(dir / "both").at<cv::Vec2b>(2, 2), cv::Vec2b(0, 0));

  // The mean keeps the members' classifier probabilities, so gating works on an ensemble too.
  write_member(dir / "h1", 0.9, true, {0.9f, 0.1f});
  write_member(dir / "h2", 0.9, true, {0.7f, 0.3f});
  EnsembleRequest heads;
  heads.members = {{dir / "h1", 1.0}, {dir / "h2", 1.0}};
  heads.postprocess = post;
  heads.out_dir = dir / "heads";
  ensemble_predictions(heads);
  EXPECT_EQ(result(dir / "heads").at<cv::Vec2b>(0, 0), cv::Vec2b(1, 0));  // b: mean 0.2 < 0.3
  const auto saved = nn::load_safetensors(dir / "heads/probabilities/x.safetensors").at("labels");
  EXPECT_NEAR(saved[0].item<float>(), 0.8f, 1e-6);

  fs::remove_all(dir / "cls/probabilities");  // a classifier without probabilities
  request.out_dir = dir / "broken";
  EXPECT_THROW(ensemble_predictions(request), DataError);
}

TEST(Ensemble, MembersMustAgreeAndHaveWhatTheMethodNeeds) {
  test::TempDir dir;
  write_member(dir / "m1", 0.9, true);
  EnsembleRequest request;
  request.members = {{dir / "m1", 1.0}};
  request.out_dir = dir / "out";
  EXPECT_THROW(ensemble_predictions(request), ConfigError);
  // Another class list.
  cv::Mat mask(4, 6, CV_8UC1, cv::Scalar(1));
  submit::PredictionIndex other{{"c"}, {submit::write_prediction_masks(dir / "m2", "x.png", mask, {"c"})}};
  submit::write_prediction_index(dir / "m2", other);
  request.members = {{dir / "m1", 1.0}, {dir / "m2", 1.0}};
  try {
    ensemble_predictions(request);
    FAIL() << "members with other classes were combined";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("predicts classes [c]"), std::string::npos) << e.what();
  }
  // Masks without probabilities cannot be averaged.
  fs::remove_all(dir / "m1/probabilities");
  write_member(dir / "m3", 0.5, false);
  request.members = {{dir / "m1", 1.0}, {dir / "m3", 1.0}};
  try {
    ensemble_predictions(request);
    FAIL() << "averaged without probabilities";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("--save probs"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace segkit::pipeline
