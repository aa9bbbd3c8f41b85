// `segkit config check` as a library call: each section of a config is built the way `train` builds
// it, and the first error names the file:line of the key it is about.

#include "segkit/train/config_check.h"

#include <gtest/gtest.h>

#include "segkit/config/config.h"
#include "segkit/core/error.h"
#include "segkit/data/synth.h"
#include "tests/support/test_support.h"

namespace segkit::train {
namespace {

namespace fs = std::filesystem;

// A valid config over a small synthetic steel set; each test replaces one line of it.
class ConfigCheck : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_dir_ = new ::segkit::test::TempDir();
    data::SynthOptions synth;
    synth.kind = data::SynthKind::kSteel;
    synth.count = 4;
    synth.height = 32;
    synth.width = 64;
    data::synthesize(synth, *data_dir_ / "steel");
  }
  static void TearDownTestSuite() { delete data_dir_; }

  // Lines of the config: a key of `replaced` overrides the base line that starts with it.
  std::string check(const std::map<std::string, std::string>& replaced) const {
    std::map<std::string, std::string> lines{
        {"include", "include: data.yaml"},
        {"model", "model: {arch: unet, encoder_name: resnet18, encoder_depth: 3, decoder_channels: [16, 8, 4]}"},
        {"augment", "augment: {train: [{HorizontalFlip: {p: 0.5}}, Normalize], val: [Normalize]}"},
        {"loss", "loss: {name: bce_dice}"},
        {"optimizer", "optimizer: {name: adam, lr: 0.001}"},
        {"scheduler", "scheduler: {name: cosine, eta_min: 0.00001}"},
        {"train", "train: {epochs: 2, batch_size: 2}"}};
    for (const auto& [key, line] : replaced) lines[key] = line;
    std::string text;
    for (const auto& [key, line] : lines) text += line + "\n";
    const fs::path file = ::segkit::test::write_text(*data_dir_ / "steel/check.yaml", text);
    try {
      check_config(config::load_config(file, {}, config::segkit_schema()), file.parent_path());
    } catch (const Error& error) {
      return error.what();
    }
    return "";
  }

  static ::segkit::test::TempDir* data_dir_;
};

::segkit::test::TempDir* ConfigCheck::data_dir_ = nullptr;

bool mentions(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST_F(ConfigCheck, AcceptsAValidConfig) { EXPECT_EQ(check({}), ""); }

TEST_F(ConfigCheck, AMisspelledModelArgumentNamesItsLineAndTheRightName) {
  // Keys are written sorted: augment, include, loss, model (line 4), optimizer, scheduler, train.
  const auto error = check({{"model", "model: {arch: unet, encoder_nmae: resnet34}"}});
  EXPECT_TRUE(mentions(error, "check.yaml:4:")) << error;
  EXPECT_TRUE(mentions(error, "encoder_nmae")) << error;
  EXPECT_TRUE(mentions(error, "encoder_name")) << error;
}

TEST_F(ConfigCheck, AnUnknownEncoderIsCaughtWithSuggestions) {
  const auto error = check({{"model", "model: {arch: unet, encoder_name: resnet33}"}});
  EXPECT_TRUE(mentions(error, "check.yaml:4:")) << error;
  EXPECT_TRUE(mentions(error, "resnet33")) << error;
  EXPECT_TRUE(mentions(error, "did you mean")) << error;
}

TEST_F(ConfigCheck, AugmentationNamesAndParametersAreChecked) {
  const auto unknown = check({{"augment", "augment: {train: [HorizontalFlip, RandomCropp], val: [Normalize]}"}});
  EXPECT_TRUE(mentions(unknown, "check.yaml:1:")) << unknown;
  EXPECT_TRUE(mentions(unknown, "RandomCropp")) << unknown;
  EXPECT_TRUE(mentions(unknown, "did you mean")) << unknown;
  const auto parameter = check({{"augment", "augment: {train: [{HorizontalFlip: {pp: 0.5}}], val: [Normalize]}"}});
  EXPECT_TRUE(mentions(parameter, "augment.train[0]")) << parameter;
  EXPECT_TRUE(mentions(parameter, "'pp'")) << parameter;
}

TEST_F(ConfigCheck, LossOptimizerAndSchedulerArgumentsAreChecked) {
  EXPECT_TRUE(mentions(check({{"loss", "loss: {name: bce_dcie}"}}), "check.yaml:3:"));
  const auto optimizer = check({{"optimizer", "optimizer: {name: adam, lrr: 0.001}"}});
  EXPECT_TRUE(mentions(optimizer, "check.yaml:5:")) << optimizer;
  EXPECT_TRUE(mentions(optimizer, "lrr")) << optimizer;
  const auto scheduler = check({{"scheduler", "scheduler: {name: cosine_warm_restart}"}});
  EXPECT_TRUE(mentions(scheduler, "check.yaml:6:")) << scheduler;
}

TEST_F(ConfigCheck, ChannelsLastIsAChoiceOfTrueFalseOrAuto) {
  EXPECT_EQ(check({{"train", "train: {epochs: 2, batch_size: 2, channels_last: false}"}}), "");
  const auto error = check({{"train", "train: {epochs: 2, batch_size: 2, channels_last: maybe}"}});
  EXPECT_TRUE(mentions(error, "check.yaml:7:")) << error;
  EXPECT_TRUE(mentions(error, "true, false or auto")) << error;
}

TEST_F(ConfigCheck, MissingDataFilesAreNamed) {
  const auto error = check({{"include", "data: {format: mask_folder, image_dir: no_such_dir, mask_suffix: _mask}"}});
  EXPECT_TRUE(mentions(error, "no_such_dir")) << error;
}

// model.mode decides how every stage reads the channels; a config whose parts disagree about it is
// refused before training, naming the keys.
TEST_F(ConfigCheck, MulticlassModeIsCheckedAgainstTheLossAndTheHead) {
  const std::string model = "model: {arch: unet, encoder_name: resnet18, encoder_depth: 3, decoder_channels: [16, 8, 4]";
  EXPECT_EQ(check({{"model", model + ", mode: multiclass}"}, {"loss", "loss: {name: dice}"}}), "");
  EXPECT_EQ(check({{"loss", "loss: {name: cross_entropy}"}}), "");  // auto follows the loss
  EXPECT_EQ(check({{"model", model + ", mode: multiclass}"},
                   {"loss", "loss: {name: sum, terms: [{name: cross_entropy}, {name: dice, weight: 0.5}]}"}}),
            "");

  auto error = check({{"model", model + ", mode: multilabel}"}, {"loss", "loss: {name: dice, mode: multiclass}"}});
  EXPECT_TRUE(mentions(error, "check.yaml:")) << error;
  EXPECT_TRUE(mentions(error, "model.mode is multilabel but the loss is multiclass")) << error;

  error = check({{"model", model + ", mode: binary}"}});
  EXPECT_TRUE(mentions(error, "model.mode is binary but there are 4 classes")) << error;

  error = check({{"model", model + ", activation: sigmoid}"}});
  EXPECT_TRUE(mentions(error, "model.activation is \"sigmoid\": training needs logits")) << error;

  error = check({{"model", model + ", mode: multiclass}"}, {"loss", "loss: {name: cross_entropy, ignore_index: 4}"}});
  EXPECT_TRUE(mentions(error, "void pixels (mask values outside data.class_values) are ignored")) << error;

  error = check({{"model", model + ", mode: multiclass}"}, {"train", "train: {epochs: 2, batch_size: 2, positive_fraction: 0.5}"}});
  EXPECT_TRUE(mentions(error, "train.positive_fraction samples images with a non-empty mask")) << error;

  // A loss that cannot take class indices or ignore void pixels is refused by name.
  error = check({{"model", model + ", mode: multiclass}"}, {"loss", "loss: {name: symmetric_dice}"}});
  EXPECT_TRUE(mentions(error, "symmetric_dice: mode multiclass is not supported")) << error;
  error = check({{"model", model + ", mode: multiclass}"}, {"loss", "loss: {name: soft_bce}"}});
  EXPECT_TRUE(mentions(error, "soft_bce cannot train a multiclass model with void pixels")) << error;
}

}  // namespace
}  // namespace segkit::train
