#include <gtest/gtest.h>

#include <torch/torch.h>

#include <opencv2/core.hpp>

#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/data/image_folder_dataset.h"
#include "segkit/infer/predictor.h"
#include "segkit/io/image_io.h"
#include "segkit/models/hub_format.h"
#include "segkit/models/model_registry.h"
#include "tests/support/test_support.h"

namespace segkit::infer {
namespace {

namespace fs = std::filesystem;

// A small trained-looking model directory: hub files + segkit.json (classes, preprocessing).
void write_model(const fs::path& dir, int seed) {
  torch::manual_seed(seed);
  auto model = models::create_model({{"arch", "unet"}, {"encoder_name", "resnet18"}, {"encoder_depth", 3},
                                     {"decoder_channels", {16, 8, 4}}, {"classes", 2}});
  models::save_pretrained(*model, dir);
  write_file_atomic(dir / "segkit.json",
                    R"({"classes": ["a", "b"], "preprocess": [{"Normalize": {"mean": [0.5], "std": [0.25]}}]})");
}

TEST(Predictor, MatchesTheModelOnThePreprocessedImageAtTheSourceSize) {
  test::TempDir dir;
  write_model(dir / "run/fold0/best", 1);
  PredictorOptions options;
  options.fast_path = false;
  options.device = "cpu";
  Predictor predictor(load_models(dir / "run/fold0", options), options);
  EXPECT_EQ(predictor.class_names(), (std::vector<std::string>{"a", "b"}));

  const auto image = torch::rand({3, 64, 96});
  const auto prediction = predictor.predict(image, cv::Size(96, 64));
  auto model = models::from_pretrained(dir / "run/fold0/best");
  model->eval();
  torch::NoGradGuard no_grad;
  const auto expected = torch::sigmoid(model->forward(image.unsqueeze(0)))[0];
  EXPECT_TRUE(torch::allclose(prediction.probabilities, expected, 1e-5, 1e-6));

  // A size that is not a multiple of 32 is padded for the encoder and cropped back; a different
  // source size is reached by bilinear resizing.
  const auto odd = predictor.predict(torch::rand({3, 50, 70}), cv::Size(140, 100));
  EXPECT_EQ(odd.probabilities.sizes(), (std::vector<int64_t>{2, 100, 140}));
  EXPECT_GE(odd.probabilities.min().item<float>(), 0.0f);
  EXPECT_LE(odd.probabilities.max().item<float>(), 1.0f);
}

// A classifier's class probabilities: sigmoid of its logits merged over the TTA passes (no
// de-augmentation); beside a segmentation model it supplies the class probabilities, which a
// classification head would otherwise give, from the same flips.
TEST(Predictor, ClassifierProbabilitiesAreMergedOverTheTtaPasses) {
  test::TempDir dir;
  torch::manual_seed(5);
  auto classifier = models::create_model({{"arch", "classifier"}, {"encoder_name", "resnet18"}, {"classes", 2}});
  models::save_pretrained(*classifier, dir / "cls");
  write_file_atomic(dir / "cls/segkit.json", R"({"classes": ["a", "b"], "preprocess": ["Normalize"]})");
  write_model(dir / "seg", 1);
  PredictorOptions options;
  options.fast_path = false;
  options.device = "cpu";
  options.tta.name = "flips";
  Predictor alone(load_models(dir / "cls", options), options);
  EXPECT_FALSE(alone.predicts_masks());
  const auto image = torch::rand({3, 64, 96});
  const auto prediction = alone.predict(image, cv::Size(96, 64));
  EXPECT_FALSE(prediction.probabilities.defined());
  classifier->eval();
  torch::NoGradGuard no_grad;
  const auto x = image.unsqueeze(0);
  const auto expected = (torch::sigmoid(classifier->forward(x)) + torch::sigmoid(classifier->forward(x.flip({3}))) +
                         torch::sigmoid(classifier->forward(x.flip({2})))) / 3.0;
  EXPECT_TRUE(torch::allclose(prediction.class_probabilities, expected[0], 1e-5, 1e-6));

  auto models = load_models(dir / "seg", options);
  auto cls = load_models(dir / "cls", options);
  models.insert(models.end(), cls.begin(), cls.end());
  Predictor both(std::move(models), options);
  EXPECT_TRUE(both.predicts_masks());
  const auto gated = both.predict(image, cv::Size(96, 64));
  EXPECT_EQ(gated.probabilities.sizes(), (std::vector<int64_t>{2, 64, 96}));
  EXPECT_TRUE(torch::allclose(gated.class_probabilities, expected[0], 1e-5, 1e-6));
}

TEST(Predictor, AveragesTheFoldsOfARunAndStreamsADataset) {
  test::TempDir dir;
  write_model(dir / "run/fold0/best", 1);
  write_model(dir / "run/fold1/best", 2);
  PredictorOptions options;
  options.device = "cpu";
  options.tta.name = "hflip";
  const auto models = load_models(dir / "run", options);
  ASSERT_EQ(models.size(), 2u);
  Predictor predictor(models, options);

  fs::create_directories(dir / "images");
  cv::Mat first(40, 60, CV_8UC3), second(33, 65, CV_8UC3);
  cv::randu(first, 0, 255);
  cv::randu(second, 0, 255);
  io::write_image(dir / "images/a.png", first);
  io::write_image(dir / "images/b.png", second);
  std::vector<Prediction> seen;
  predictor.predict_dataset(std::make_shared<data::ImageFolderDataset>(dir / "images"),
                            [&](const Prediction& p) { seen.push_back(p); });
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].id, "a.png");
  EXPECT_EQ(seen[0].probabilities.sizes(), (std::vector<int64_t>{2, 40, 60}));
  EXPECT_EQ(seen[1].probabilities.sizes(), (std::vector<int64_t>{2, 33, 65}));

  // A fixed output size (the clouds submissions' 350x525) replaces each image's own.
  auto fixed_options = options;
  fixed_options.output_size = cv::Size(15, 10);
  Predictor fixed(models, fixed_options);
  fixed.predict_dataset(std::make_shared<data::ImageFolderDataset>(dir / "images"), [&](const Prediction& p) {
    EXPECT_EQ(p.size, cv::Size(15, 10));
    EXPECT_EQ(p.probabilities.sizes(), (std::vector<int64_t>{2, 10, 15}));
  });

  // The ensemble is the mean of its members.
  Predictor only_first({models[0]}, options), only_second({models[1]}, options);
  const auto image = torch::rand({1, 64, 64}).expand({3, 64, 64}).contiguous();
  const auto mean = (only_first.predict(image, {64, 64}).probabilities + only_second.predict(image, {64, 64}).probabilities) / 2;
  EXPECT_TRUE(torch::allclose(predictor.predict(image, {64, 64}).probabilities, mean, 1e-5, 1e-6));
  EXPECT_THROW(load_models(dir / "images", options), IoError);
}

}  // namespace
}  // namespace segkit::infer
