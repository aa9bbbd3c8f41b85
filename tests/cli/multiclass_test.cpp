// Multiclass segmentation from the command line: train (softmax, void ignored, mIoU) -> predict
// --save labels -> evaluate -> ensemble, and SMP hub folders whose config.json names an activation.

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>
#include <random>

#include "segkit/core/atomic_file.h"
#include "segkit/core/strings.h"
#include "segkit/io/image_io.h"
#include "tests/support/test_support.h"

namespace segkit {
namespace {

namespace fs = std::filesystem;
using test::run_segkit;

constexpr int kHeight = 64, kWidth = 96, kImages = 12, kFrame = 3;

// Street-scene stand-ins: grey ground (label 0), a red disc (1), a blue bar (2) at random places,
// and a void frame (label 255, in no class) that no loss or score may count.
void write_scenes(const fs::path& dir) {
  fs::create_directories(dir / "images");
  fs::create_directories(dir / "labels");
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> x(15, kWidth - 16), y(15, kHeight - 16), noise(-20, 20);
  for (int i = 0; i < kImages; ++i) {
    cv::Mat image(kHeight, kWidth, CV_8UC3), label(kHeight, kWidth, CV_8UC1, cv::Scalar(0));
    for (int r = 0; r < kHeight; ++r) {
      for (int c = 0; c < kWidth; ++c) image.at<cv::Vec3b>(r, c) = cv::Vec3b::all(static_cast<uint8_t>(110 + noise(rng)));
    }
    const cv::Point bar(x(rng), y(rng));
    cv::rectangle(image, bar - cv::Point(12, 4), bar + cv::Point(12, 4), cv::Scalar(30, 40, 220), cv::FILLED);
    cv::rectangle(label, bar - cv::Point(12, 4), bar + cv::Point(12, 4), cv::Scalar(2), cv::FILLED);
    const cv::Point disc(x(rng), y(rng));
    cv::circle(image, disc, 9, cv::Scalar(220, 30, 30), cv::FILLED);
    cv::circle(label, disc, 9, cv::Scalar(1), cv::FILLED);
    cv::rectangle(label, {0, 0}, {kWidth - 1, kHeight - 1}, cv::Scalar(255), kFrame);
    io::write_image(dir / "images" / (std::to_string(i) + ".png"), image);
    io::write_image(dir / "labels" / (std::to_string(i) + ".png"), label);
  }
}

int64_t counted_pixels(const nlohmann::json& rows) {
  int64_t total = 0;
  for (const auto& row : rows) {
    for (const auto& value : row) total += value.get<int64_t>();
  }
  return total;
}

// Pixels inside the void frame, per image.
constexpr int64_t kLabelledPixels = static_cast<int64_t>(kHeight - 2 * kFrame) * (kWidth - 2 * kFrame);

class Multiclass : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    write_scenes(*dir_ / "scenes");
    config_ = test::write_text(*dir_ / "scenes/run.yaml", R"(data:
  format: mask_folder
  image_dir: images
  mask_dir: labels
  mask_mode: index
  class_values: [0, 1, 2]
  classes: [ground, disc, bar]
model: {arch: unet, encoder_name: resnet18, encoder_depth: 3, decoder_channels: [16, 8, 4], mode: multiclass}
folds: {k: 3, method: kfold}
augment: {train: [{HorizontalFlip: {p: 0.5}}, Normalize], val: [Normalize]}
loss: {name: sum, terms: [{name: cross_entropy}, {name: dice}]}
optimizer: {lr: 0.003}
train: {epochs: 20, batch_size: 2, workers: 2, monitor: val.iou, report_examples: 2}
)");
    trained_ = new test::CommandResult(
        run_segkit("--threads 1 train '" + config_.string() + "' --out '" + (*dir_ / "run").string() + "'"));
  }
  static void TearDownTestSuite() {
    delete trained_;
    delete dir_;
  }
  static fs::path run() { return *dir_ / "run"; }

  static test::TempDir* dir_;
  static fs::path config_;
  static test::CommandResult* trained_;
};

test::TempDir* Multiclass::dir_ = nullptr;
fs::path Multiclass::config_;
test::CommandResult* Multiclass::trained_ = nullptr;

TEST_F(Multiclass, TrainingLearnsEveryClassAndCountsNoVoidPixel) {
  ASSERT_EQ(trained_->exit_code, 0) << trained_->err;
  const auto fold = run() / "fold0";
  std::vector<nlohmann::json> epochs;
  for (const auto& line : split(read_file(fold / "log.jsonl"), '\n')) {
    if (!trim(line).empty()) epochs.push_back(nlohmann::json::parse(line));
  }
  ASSERT_EQ(epochs.size(), 20u);
  const auto& first = epochs.front()["val"];
  double best = 0;
  nlohmann::json best_val;
  for (const auto& epoch : epochs) {
    if (epoch["val"]["iou"].get<double>() > best) best = epoch["val"]["iou"].get<double>(), best_val = epoch["val"];
  }
  EXPECT_GT(best, first["iou"].get<double>() + 0.1) << "validation mIoU did not rise";
  EXPECT_GT(best, 0.6);
  for (const char* name : {"ground", "disc", "bar"}) {
    EXPECT_GT(best_val["iou_per_class"][name].get<double>(), 0.3) << name << ": " << best_val.dump();
  }
  EXPECT_GT(best_val["pixel_accuracy"].get<double>(), 0.9);

  // The best epoch's confusion matrix counts exactly the labelled pixels of the 4 validation images.
  const auto confusion = nlohmann::json::parse(read_file(fold / "confusion_matrix.json"));
  EXPECT_EQ(confusion["classes"], nlohmann::json({"ground", "disc", "bar"}));
  EXPECT_EQ(counted_pixels(confusion["counts"]), 4 * kLabelledPixels);
  const auto report = read_file(fold / "report.html");
  EXPECT_NE(report.find("Confusion matrix (validation, best epoch)"), std::string::npos);
  EXPECT_NE(report.find("IoU per class"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(read_file(fold / "best/segkit.json"))["mode"], "multiclass");

  const auto tuned = run_segkit("tune --run '" + run().string() + "'");
  EXPECT_NE(tuned.exit_code, 0);
  EXPECT_NE(tuned.err.find("there are no per-class thresholds"), std::string::npos) << tuned.err;
}

TEST_F(Multiclass, PredictWritesClassIndexLabelsThatEvaluateScores) {
  ASSERT_EQ(trained_->exit_code, 0) << trained_->err;
  const auto pred = *dir_ / "pred";
  const auto predicted = run_segkit("--threads 1 predict --run '" + run().string() + "' --input '" + config_.string() +
                                    "' --out '" + pred.string() + "' --save labels probs --tta hflip");
  ASSERT_EQ(predicted.exit_code, 0) << predicted.err;
  EXPECT_EQ(nlohmann::json::parse(read_file(pred / "index.json"))["mode"], "multiclass");
  EXPECT_FALSE(fs::exists(pred / "masks"));  // --save labels probs: no per-class PNGs
  const cv::Mat labels = io::read_image(pred / "labels/0.png", io::ImageMode::kAsStored);
  ASSERT_EQ(labels.type(), CV_8UC1);
  EXPECT_EQ(labels.size(), cv::Size(kWidth, kHeight));
  double highest = 0;
  cv::minMaxLoc(labels, nullptr, &highest);
  EXPECT_EQ(highest, 2.0);  // every class appears, and no index beyond the last class

  const auto json_file = *dir_ / "evaluation.json";
  const auto evaluated =
      run_segkit("evaluate '" + config_.string() + "' --pred '" + pred.string() + "' --json '" + json_file.string() + "'");
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.err;
  EXPECT_NE(evaluated.out.find("mean IoU"), std::string::npos) << evaluated.out;
  const auto scores = nlohmann::json::parse(read_file(json_file));
  EXPECT_EQ(scores["mode"], "multiclass");
  EXPECT_GT(scores["mean_iou"].get<double>(), 0.6);
  EXPECT_EQ(counted_pixels(scores["confusion_matrix"]), kImages * kLabelledPixels);  // void frame left out

  // Two multiclass prediction directories average their softmax and take the argmax.
  const auto ensembled = run_segkit("ensemble --pred '" + pred.string() + "' --pred '" + pred.string() + "' --out '" +
                                    (*dir_ / "ens").string() + "'");
  ASSERT_EQ(ensembled.exit_code, 0) << ensembled.err;
  EXPECT_TRUE(fs::exists(*dir_ / "ens/labels/0.png"));
  const auto again = run_segkit("evaluate '" + config_.string() + "' --pred '" + (*dir_ / "ens").string() + "'");
  ASSERT_EQ(again.exit_code, 0) << again.err;
}

// An SMP hub folder whose config.json sets an activation (SMP's old examples did): predict applies
// it once (softmax2d means multiclass), never on top of its own.
TEST_F(Multiclass, SmpActivationsAreHonouredOnce) {
  ASSERT_EQ(trained_->exit_code, 0) << trained_->err;
  const auto predict_probabilities = [&](const fs::path& model, const std::string& out) {
    return run_segkit("--threads 1 predict --run '" + model.string() + "' --input '" + (*dir_ / "scenes/images").string() +
                      "' --out '" + (*dir_ / out).string() + "' --save probs");
  };
  const auto with_activation = [&](const std::string& name, const std::string& activation, bool keep_card) {
    const auto dir = *dir_ / name;
    fs::create_directories(dir);
    fs::copy_file(run() / "fold0/best/model.safetensors", dir / "model.safetensors", fs::copy_options::overwrite_existing);
    auto config = nlohmann::json::parse(read_file(run() / "fold0/best/config.json"));
    config["activation"] = activation;
    write_file_atomic(dir / "config.json", config.dump());
    if (keep_card) fs::copy_file(run() / "fold0/best/segkit.json", dir / "segkit.json", fs::copy_options::overwrite_existing);
    return dir;
  };
  ASSERT_EQ(predict_probabilities(run() / "fold0/best", "plain").exit_code, 0);
  const auto plain = read_file(*dir_ / "plain/probabilities/0.safetensors");
  // Without segkit.json the classes are class0.. and the preprocessing SMP's ImageNet Normalize, as the run's.
  for (const std::string activation : {"softmax2d", "softmax", "logsoftmax"}) {
    const auto out = "hub_" + activation;
    const auto predicted = predict_probabilities(with_activation("model_" + activation, activation, false), out);
    ASSERT_EQ(predicted.exit_code, 0) << predicted.err;
    EXPECT_EQ(nlohmann::json::parse(read_file(*dir_ / out / "index.json"))["mode"], "multiclass") << activation;
    EXPECT_TRUE(read_file(*dir_ / out / "probabilities/0.safetensors") == plain)
        << activation << ": the softmax was applied twice, or not at all";
  }
  // sigmoid means independent channels: the same logits give sigmoid probabilities, not softmax ones.
  const auto sigmoid = predict_probabilities(with_activation("model_sigmoid", "sigmoid", false), "hub_sigmoid");
  ASSERT_EQ(sigmoid.exit_code, 0) << sigmoid.err;
  EXPECT_EQ(nlohmann::json::parse(read_file(*dir_ / "hub_sigmoid/index.json"))["mode"], "multilabel");
  EXPECT_FALSE(read_file(*dir_ / "hub_sigmoid/probabilities/0.safetensors") == plain);

  const auto contradicting = predict_probabilities(with_activation("hub_sigmoid", "sigmoid", true), "bad");
  EXPECT_NE(contradicting.exit_code, 0);
  EXPECT_NE(contradicting.err.find("mode multiclass but config.json's activation is 'sigmoid'"), std::string::npos)
      << contradicting.err;
  const auto tanh = predict_probabilities(with_activation("hub_tanh", "tanh", false), "bad2");
  EXPECT_NE(tanh.exit_code, 0);
  EXPECT_NE(tanh.err.find("activation 'tanh' gives no class probabilities"), std::string::npos) << tanh.err;
}

// The recipe itself on ../shared/data/camvid_sample: the real config for two training steps, then
// predict --save labels and evaluate on the 34 validation frames, whose label 11 is void.
TEST(MulticlassCamvid, TheRecipeTrainsPredictsLabelsAndEvaluatesOnTheSample) {
  SEGKIT_REQUIRE_SHARED(shared);
  const auto camvid = shared / "data/camvid_sample";
  if (!fs::exists(camvid)) GTEST_SKIP() << camvid << " not found";
  test::TempDir dir;
  const auto config = test::source_dir() / "configs/camvid_fpn.yaml";
  const auto trained = run_segkit("train '" + config.string() + "' --out '" + (dir / "run").string() +
                                  "' train.epochs=1 train.steps_per_epoch=2 train.report_examples=1");
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  EXPECT_TRUE(fs::exists(dir / "run/fold0/confusion_matrix.json"));

  const auto val = test::write_text(dir / "val.yaml", "data:\n  format: mask_folder\n  image_dir: " +
                                                          (camvid / "val/images").string() + "\n  mask_dir: " +
                                                          (camvid / "val/labels").string() +
                                                          "\n  mask_mode: index\n"
                                                          "  class_values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n"
                                                          "  classes: [sky, building, pole, road, pavement, tree, "
                                                          "signsymbol, fence, car, pedestrian, bicyclist]\n"
                                                          "model: {mode: multiclass}\n");
  const auto predicted = run_segkit("predict --run '" + (dir / "run").string() + "' --input '" + val.string() +
                                    "' --out '" + (dir / "pred").string() + "' --save labels");
  ASSERT_EQ(predicted.exit_code, 0) << predicted.err;
  EXPECT_NE(predicted.out.find("predicted 34 images"), std::string::npos) << predicted.out;
  const cv::Mat labels = io::read_image(dir / "pred/labels/0016E5_07959.png", io::ImageMode::kAsStored);
  EXPECT_EQ(labels.size(), cv::Size(480, 360));

  const auto json_file = dir / "scores.json";
  const auto evaluated =
      run_segkit("evaluate '" + val.string() + "' --pred '" + (dir / "pred").string() + "' --json '" + json_file.string() + "'");
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.err;
  const auto scores = nlohmann::json::parse(read_file(json_file));
  EXPECT_EQ(scores["classes"].size(), 11u);
  int64_t labelled = 0;  // every pixel of the 34 frames whose label is not 11 (void)
  for (const auto& entry : fs::directory_iterator(camvid / "val/labels")) {
    const cv::Mat truth = io::read_image(entry.path(), io::ImageMode::kAsStored);
    labelled += cv::countNonZero(truth != 11);
  }
  EXPECT_EQ(counted_pixels(scores["confusion_matrix"]), labelled);
}

}  // namespace
}  // namespace segkit
