// arch: classifier trained end to end: it learns "is the class in the image" on real CamVid frames,
// writes class-probability out-of-fold files, and refuses settings that only make sense for masks.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "segkit/config/config.h"
#include "segkit/core/error.h"
#include "segkit/postprocess/oof_reader.h"
#include "segkit/train/config_check.h"
#include "segkit/train/train_run.h"
#include "tests/support/test_support.h"

namespace segkit::train {
namespace {

namespace fs = std::filesystem;

// Fence and bicyclist are in about half of the CamVid training frames each: presence is learnable
// and neither constant.
fs::path camvid_classifier_config(const fs::path& dir, const fs::path& shared) {
  const auto images = shared / "data/camvid_sample/train";
  return test::write_text(dir / "cls.yaml", fmt::format(R"(seed: 42
threads: 1
data:
  format: mask_folder
  image_dir: {}
  mask_dir: {}
  mask_mode: index
  class_values: [7, 10]
  classes: [fence, bicyclist]
folds: {{k: 4, method: kfold, file: folds.csv}}
model: {{arch: classifier, encoder_name: resnet18}}
augment:
  train: [{{Resize: {{height: 128, width: 160}}}}, {{HorizontalFlip: {{p: 0.5}}}}, Normalize]
  val: [{{Resize: {{height: 128, width: 160}}}}, Normalize]
loss: {{name: bce}}
optimizer: {{name: adam, lr: 0.001}}
train: {{epochs: 7, batch_size: 8, workers: 2}}
)",
                                                        (images / "images").string(), (images / "labels").string()));
}

TEST(ClassifierTraining, LearnsClassPresenceOnCamVid) {
  const auto shared = test::shared_dir();
  if (!shared) GTEST_SKIP() << "../shared is absent: the CamVid sample is needed";
  test::TempDir dir;
  const auto file = camvid_classifier_config(dir.path(), *shared);
  RunRequest request;
  request.run_dir = dir / "run";
  const auto results = train_from_config(config::load_config(file, {}, config::segkit_schema()), dir.path(), request);
  ASSERT_EQ(results.size(), 1u);
  const auto& history = results[0].state.history;
  const auto& first = history.front()["val"];
  for (const char* key : {"loss", "cls_accuracy", "cls_f1", "cls_auc_per_class"}) EXPECT_TRUE(first.contains(key)) << key;
  EXPECT_FALSE(first.contains("dice"));
  // The default monitor of a classifier is the mean class AUC; chance is 0.5.
  ASSERT_TRUE(results[0].state.best.has_value());
  const double best_auc = *results[0].state.best;
  EXPECT_GT(best_auc, 0.7) << config::json(history).dump();
  EXPECT_GT(best_auc, first.value("cls_auc", 0.5) + 0.1) << config::json(history).dump();
  EXPECT_LT(history.back()["train"]["loss"].get<double>(), history.front()["train"]["loss"].get<double>());

  // Out-of-fold: the class probabilities of every validation frame (31 of 123), no maps.
  const auto oof = postprocess::read_oof(request.run_dir / "fold0/oof.safetensors");
  EXPECT_EQ(oof.images.size(), 31u);
  EXPECT_EQ(oof.num_classes, 2);
  EXPECT_TRUE(oof.has_labels());
  EXPECT_FALSE(oof.has_masks());
  for (const auto& image : oof.images) {
    for (float p : image.labels) EXPECT_TRUE(p >= 0.f && p <= 1.f) << image.id;
  }
}

std::string config_error(const fs::path& file, const std::vector<std::string>& overrides = {}) {
  try {
    check_config(config::load_config(file, overrides, config::segkit_schema()), file.parent_path());
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "no ConfigError";
}

TEST(ClassifierTraining, RefusesMaskLossesAndMulticlass) {
  const auto shared = test::shared_dir();
  if (!shared) GTEST_SKIP() << "../shared is absent: the CamVid sample is needed";
  test::TempDir dir;
  const auto dice = config_error(camvid_classifier_config(dir.path(), *shared), {"loss.name=dice"});
  EXPECT_NE(dice.find("loss 'dice' scores masks"), std::string::npos) << dice;
  EXPECT_NE(dice.find("cls.yaml:"), std::string::npos) << dice;
  const auto multiclass = config_error(camvid_classifier_config(dir.path(), *shared), {"model.mode=multiclass"});
  EXPECT_NE(multiclass.find("multi-label"), std::string::npos) << multiclass;
}

}  // namespace
}  // namespace segkit::train
