// The whole Kaggle chain from the command line (train -> tune -> predict -> ensemble / pseudo-label
// -> submit -> evaluate) on synthetic data of every competition format, and its reproducibility.

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "segkit/core/atomic_file.h"
#include "segkit/nn/machine.h"
#include "tests/support/test_support.h"

namespace segkit {
namespace {

using test::run_segkit;

TEST(Cli, SyntheticSteelRunsTrainTunePredictSubmitEvaluate) {
  test::TempDir dir;
  const std::string data = (dir / "steel").string();
  ASSERT_EQ(run_segkit("synth --kind steel --count 16 --size 64x256 '" + data + "'").exit_code, 0);
  const auto config = test::write_text(dir / "steel/run.yaml",
                                       "include: data.yaml\n"
                                       "model: {arch: unet, encoder_name: resnet18, encoder_depth: 3, decoder_channels: [32, 16, 8]}\n"
                                       "folds: {k: 2, method: kfold}\n"
                                       "augment: {train: [{HorizontalFlip: {p: 0.5}}, Normalize], val: [Normalize]}\n"
                                       "optimizer: {lr: 0.003}\n"
                                       "train: {epochs: 4, batch_size: 4, workers: 2, report_examples: 2}\n");
  const std::string run = (dir / "run").string(), pred = (dir / "pred").string();
  auto trained = run_segkit("--threads 1 train '" + config.string() + "' --out '" + run + "' --folds all");
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  EXPECT_NE(trained.out.find("fold 1: best"), std::string::npos) << trained.out;

  auto tuned = run_segkit("tune --run '" + run + "'");
  ASSERT_EQ(tuned.exit_code, 0) << tuned.err;
  double before = 0, after = 0;
  const auto line = tuned.out.find("mean dice: ");
  ASSERT_NE(line, std::string::npos) << tuned.out;
  ASSERT_EQ(std::sscanf(tuned.out.c_str() + line, "mean dice: %lf -> %lf", &before, &after), 2) << tuned.out;
  EXPECT_GE(after, before);

  auto predicted = run_segkit("--threads 1 predict --run '" + run + "' --input '" + config.string() + "' --out '" + pred +
                              "' --tta hflip --postprocess '" + run + "/postprocess.yaml' --save both --overlays '" +
                              (dir / "overlays").string() + "'");
  ASSERT_EQ(predicted.exit_code, 0) << predicted.err;
  EXPECT_NE(predicted.out.find("predicted 16 images"), std::string::npos) << predicted.out;
  EXPECT_TRUE(std::filesystem::exists(dir / "pred/index.json"));
  size_t overlays = 0, probabilities = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "overlays")) overlays += entry.is_regular_file();
  for (const auto& entry : std::filesystem::directory_iterator(dir / "pred/probabilities")) probabilities += entry.is_regular_file();
  EXPECT_EQ(overlays, 16u);
  EXPECT_EQ(probabilities, 16u);

  auto combined = run_segkit("ensemble --pred '" + pred + "' --pred '" + pred + ":2' --out '" + (dir / "ens").string() + "'");
  ASSERT_EQ(combined.exit_code, 0) << combined.err;
  EXPECT_NE(combined.out.find("combined 16 images from 2 predictions (mean)"), std::string::npos) << combined.out;

  // Pseudo-labels (soft) from the predictions, mixed into a second training at half the draws.
  // lo = hi = 0.5 keeps every image whose peaks are not exactly 0.5, i.e. all of them here.
  auto pseudo = run_segkit("pseudo-label --pred '" + pred + "' --input '" + config.string() + "' --out '" +
                           (dir / "pseudo").string() + "' --lo 0.5 --hi 0.5 --soft");
  ASSERT_EQ(pseudo.exit_code, 0) << pseudo.err;
  EXPECT_NE(pseudo.out.find("selected 16 of 16 images"), std::string::npos) << pseudo.out;
  auto retrained = run_segkit("--threads 1 train '" + config.string() + "' --out '" + (dir / "run2").string() +
                              "' train.epochs=1 pseudo_labels.share=0.5 "
                              "'pseudo_labels.data={format: prepared, dir: ../pseudo}'");
  ASSERT_EQ(retrained.exit_code, 0) << retrained.err;
  EXPECT_NE((retrained.out + retrained.err).find("8 training (16 pseudo-labelled)"), std::string::npos)
      << retrained.out << retrained.err;

  const std::string csv = (dir / "submission.csv").string();
  auto submitted = run_segkit("submit --pred '" + pred + "' --format severstal -o '" + csv + "'");
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  EXPECT_NE(submitted.out.find("16 images, 64 rows"), std::string::npos) << submitted.out;
  auto evaluated = run_segkit("evaluate '" + config.string() + "' --pred '" + pred + "'");
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.err;
  EXPECT_NE(evaluated.out.find("dice_pos"), std::string::npos) << evaluated.out;
  // Precision follows the hardware: bf16 runs where the CPU computes it natively and is refused, with
  // the missing feature, before any output where it does not (emulated by holding oneDNN to AVX2);
  // auto then runs fp32. fp16 is refused on the CPU with the reason.
  const auto predict_with = [&](const std::string& precision, const std::string& out, const std::string& env) {
    return run_segkit("--threads 1 predict --run '" + run + "' --input '" + config.string() + "' --out '" +
                          (dir / out).string() + "' --precision " + precision,
                      env);
  };
  if (nn::native_cpu_bf16()) {
    auto bf16 = predict_with("bf16", "pred_bf16", "");
    ASSERT_EQ(bf16.exit_code, 0) << bf16.err;
    EXPECT_NE(bf16.out.find("predicted 16 images"), std::string::npos) << bf16.out;
  }
  auto refused = predict_with("bf16", "pred_bf16_avx2", "ONEDNN_MAX_CPU_ISA=AVX2");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("avx512_bf16"), std::string::npos) << refused.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "pred_bf16_avx2/index.json"));
  auto automatic = predict_with("auto", "pred_auto_avx2", "ONEDNN_MAX_CPU_ISA=AVX2");
  ASSERT_EQ(automatic.exit_code, 0) << automatic.err;
  EXPECT_NE((automatic.out + automatic.err).find("precision auto: fp32"), std::string::npos) << automatic.err;
  auto fp16 = run_segkit("predict --run '" + run + "' --input '" + config.string() + "' --out '" +
                         (dir / "pred_fp16").string() + "' --precision fp16 --device cpu");
  EXPECT_NE(fp16.exit_code, 0);
  EXPECT_NE(fp16.err.find("fp16 needs a CUDA device"), std::string::npos) << fp16.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "pred_fp16/index.json"));
  EXPECT_NE(run_segkit("predict --run '" + (dir / "nothing").string() + "' --input '" + data + "' --out '" + pred + "'")
                .exit_code,
            0);
}

// The same chain in every other competition format (Understanding Clouds, SIIM with greyscale PNGs
// and relative RLE, SpaceNet GeoTIFF chips when GDAL is present), briefly trained.
TEST(Cli, EveryCompetitionFormatRunsTheChain) {
  for (const auto& [kind, format] : std::vector<std::pair<std::string, std::string>>{
           {"clouds", "clouds"}, {"pneumo", "siim"}, {"buildings", "generic"}}) {
    test::TempDir dir;
    const std::string data = (dir / kind).string();
    auto synth = run_segkit("synth --kind " + kind + " --count 8 --size 64x64 '" + data + "'");
    if (kind == "buildings" && synth.exit_code != 0) continue;  // built without GDAL
    ASSERT_EQ(synth.exit_code, 0) << kind << ": " << synth.err;
    const auto config = test::write_text(dir / kind / "run.yaml",
                                         "include: data.yaml\n"
                                         "model: {arch: unet, encoder_name: resnet18, encoder_depth: 3, decoder_channels: [16, 8, 4]}\n"
                                         "folds: {k: 2, method: kfold}\n"
                                         "augment: {train: [Normalize], val: [Normalize]}\n"
                                         "train: {epochs: 1, batch_size: 2, workers: 1}\n");
    const std::string run = (dir / "run").string(), pred = (dir / "pred").string();
    for (const std::string& step :
         {"--threads 1 train '" + config.string() + "' --out '" + run + "' --fold 0", "tune --run '" + run + "'",
          "--threads 1 predict --run '" + run + "' --input '" + config.string() + "' --out '" + pred +
              "' --postprocess '" + run + "/postprocess.yaml'",
          "submit --pred '" + pred + "' --format " + format + " -o '" + (dir / "submission.csv").string() + "'",
          "evaluate '" + config.string() + "' --pred '" + pred + "'"}) {
      auto result = run_segkit(step);
      ASSERT_EQ(result.exit_code, 0) << kind << ": segkit " << step << "\n" << result.err;
    }
  }
}


// Same config + seed + thread count: bit-identical weights, out-of-fold predictions and predicted
// probabilities; the run directory records what reproducing it needs.
TEST(Cli, TrainingAndPredictionAreBitIdenticalAcrossRuns) {
  test::TempDir dir;
  const auto config = test::synth_steel_run(dir / "data", 8, "64x128",
                                            "folds: {k: 2, method: kfold}\n"
                                            "augment: {train: [{HorizontalFlip: {p: 0.5}}, {ShiftScaleRotate: {p: 0.5}}, Normalize], val: [Normalize]}\n"
                                            "train: {epochs: 2, batch_size: 2, workers: 2, report_examples: 0}\n");
  for (const std::string run : {"a", "b"}) {
    ASSERT_EQ(test::run_segkit("--threads 1 train '" + config.string() + "' --out '" + (dir / run).string() + "'").exit_code, 0);
    ASSERT_EQ(test::run_segkit("--threads 1 predict --run '" + (dir / run).string() + "' --input '" + config.string() +
                               "' --out '" + (dir / ("pred_" + run)).string() + "' --tta hflip --save probs")
                  .exit_code,
              0);
  }
  for (const std::string file : {"fold0/best/model.safetensors", "fold0/oof.safetensors"}) {
    EXPECT_EQ(read_file(dir / "a" / file), read_file(dir / "b" / file)) << file;
  }
  size_t compared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "pred_a/probabilities")) {
    EXPECT_EQ(read_file(entry.path()), read_file(dir / "pred_b/probabilities" / entry.path().filename()));
    ++compared;
  }
  EXPECT_EQ(compared, 8u);
  const auto record = nlohmann::json::parse(read_file(dir / "a/run_info.json"));
  EXPECT_EQ(record.at("seed"), 42);
  EXPECT_EQ(record.at("threads"), 1);
  EXPECT_EQ(record.at("data_files").size(), 2u);  // train.csv and the folds file
  EXPECT_EQ(record.at("data_folders").at(0).at("files"), 8);
  EXPECT_FALSE(record.at("torch_version").get<std::string>().empty());
}

}  // namespace
}  // namespace segkit
