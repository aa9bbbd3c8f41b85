// End-to-end checks of the `segkit` binary: exit codes, stdout/stderr contents.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>

#include <regex>

#include "segkit/core/atomic_file.h"
#include "segkit/io/safetensors.h"
#include "segkit/data/synth.h"
#include "segkit/submit/prediction_dir.h"
#include "tests/support/test_support.h"

namespace segkit {
namespace {

using test::run_segkit;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(Cli, HelpListsSubcommands) {
  auto result = run_segkit("--help");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_TRUE(contains(result.out, "config")) << result.out;
  EXPECT_TRUE(contains(result.out, "inspect"));
  EXPECT_EQ(run_segkit("").exit_code, 0);
}

TEST(Cli, VersionReportsLibrariesDeviceAndThreads) {
  auto result = run_segkit("--threads 2 --version");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(contains(result.out, "segkit 0.")) << result.out;
  EXPECT_TRUE(contains(result.out, "LibTorch 1.") || contains(result.out, "LibTorch 2."));
  EXPECT_TRUE(contains(result.out, "OpenCV 4."));
  EXPECT_TRUE(contains(result.out, "device: "));
  EXPECT_TRUE(contains(result.out, "threads: 2"));
}

TEST(Cli, DoctorReportsTheMachineAndFollowsTheIsaLimit) {
  auto text = run_segkit("--threads 2 doctor");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  for (const char* field : {"cpu:", "isa flags:", "oneDNN:", "ATen kernels:", "threads:", "BLAS:", "allocator:", "CUDA:",
                            "bfloat16:", "precision auto:"}) {
    EXPECT_TRUE(contains(text.out, field)) << field << " missing from\n" << text.out;
  }
  EXPECT_TRUE(std::regex_search(text.out, std::regex(R"(threads:\s+2\n)"))) << text.out;
  // Held to AVX2 (as on an AVX2-only CPU), oneDNN says so, bf16 is not native and auto runs fp32.
  auto avx2 = run_segkit("doctor --json", "ONEDNN_MAX_CPU_ISA=AVX2");
  ASSERT_EQ(avx2.exit_code, 0) << avx2.err;
  const auto report = nlohmann::json::parse(avx2.out);
  if (report.at("onednn_isa") != "unknown") {
    EXPECT_EQ(report.at("onednn_isa"), "avx2") << avx2.out;
  }
  EXPECT_EQ(report.at("native_bf16"), false) << avx2.out;
  EXPECT_EQ(report.at("auto_precision_cpu"), "fp32") << avx2.out;
  EXPECT_TRUE(contains(report.at("allocator").get<std::string>(), "tcmalloc")) << avx2.out;
}

TEST(Cli, ConfigCheckAndShowCatchModelErrorsBeforeTraining) {
  test::TempDir dir;
  test::write_text(dir / "typo.yaml", "seed: 1\nmodel: {arch: unet, encoder_nmae: resnet34}\n");
  for (const char* command : {"check", "show"}) {
    auto result = run_segkit(std::string("config ") + command + " '" + (dir / "typo.yaml").string() + "'");
    EXPECT_EQ(result.exit_code, 1) << command;
    EXPECT_TRUE(contains(result.err, "typo.yaml:2:")) << result.err;
    EXPECT_TRUE(contains(result.err, "encoder_name")) << result.err;
    EXPECT_TRUE(result.out.empty()) << result.out;
  }
  test::write_text(dir / "ok.yaml", "model: {arch: fpn, encoder_name: resnet18}\n");
  auto ok = run_segkit("config check '" + (dir / "ok.yaml").string() + "'");
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_TRUE(contains(ok.out, "OK")) << ok.out;
  auto schema_only = run_segkit("config show --schema-only '" + (dir / "typo.yaml").string() + "'");
  EXPECT_EQ(schema_only.exit_code, 0) << schema_only.err;
}

TEST(Cli, ConfigShowPrintsResolvedConfigWithOverrides) {
  test::TempDir dir;
  test::write_text(dir / "base.yaml", "seed: 7\nthreads: 1\n");
  test::write_text(dir / "run.yaml", "include: base.yaml\nlog_level: debug\n");
  auto result = run_segkit("config show '" + (dir / "run.yaml").string() + "' seed=11");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(contains(result.out, "seed: 11\n")) << result.out;
  EXPECT_TRUE(contains(result.out, "threads: 1\n"));
  EXPECT_TRUE(contains(result.out, "log_level: debug\n"));
  EXPECT_TRUE(contains(result.out, "device: auto\n")) << "defaults are filled in";
}

TEST(Cli, ConfigErrorsExitNonZeroWithLocation) {
  test::TempDir dir;
  test::write_text(dir / "run.yaml", "seed: 1\nthraeds: 2\n");
  auto result = run_segkit("config show '" + (dir / "run.yaml").string() + "'");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(contains(result.err, "run.yaml:2:1")) << result.err;
  EXPECT_TRUE(contains(result.err, "did you mean 'threads'")) << result.err;
  EXPECT_TRUE(result.out.empty());

  auto missing = run_segkit("config show /no/such.yaml");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_TRUE(contains(missing.err, "/no/such.yaml")) << missing.err;

  EXPECT_EQ(run_segkit("--log-level loud config keys").exit_code, 1);
  EXPECT_EQ(run_segkit("no-such-command").exit_code, 2);
}

TEST(Cli, ConfigKeysPrintsTheReferenceTable) {
  auto result = run_segkit("config keys");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_TRUE(contains(result.out, "| `seed` | integer | `42` |")) << result.out;
}

TEST(Cli, InspectListsTensorsMetadataAndParameterCount) {
  test::TempDir dir;
  std::vector<float> weight(2 * 3 * 3 * 3, 0.5f);
  std::vector<float> bias(2, 0.1f);
  io::write_safetensors(dir / "m.safetensors",
                        {{"conv.weight", io::DType::kF32, {2, 3, 3, 3}, weight.data()},
                         {"conv.bias", io::DType::kF32, {2}, bias.data()}},
                        {{"format", "pt"}});
  auto result = run_segkit("inspect '" + (dir / "m.safetensors").string() + "'");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(contains(result.out, "conv.weight")) << result.out;
  EXPECT_TRUE(contains(result.out, "[2, 3, 3, 3]"));
  EXPECT_TRUE(contains(result.out, "F32"));
  EXPECT_TRUE(contains(result.out, "format: pt"));
  EXPECT_TRUE(contains(result.out, "parameters: 56"));
}

TEST(Cli, InspectOfCorruptFileFailsWithReason) {
  test::TempDir dir;
  test::write_text(dir / "bad.safetensors", std::string("\xff\xff\xff\xff\xff\xff\xff\x7f{}", 10));
  auto result = run_segkit("inspect '" + (dir / "bad.safetensors").string() + "'");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(contains(result.err, "bad.safetensors")) << result.err;
  EXPECT_TRUE(contains(result.err, "header length")) << result.err;
}

}  // namespace
}  // namespace segkit

namespace segkit {
namespace {

TEST(CliModels, ListsArchitecturesAndEncodersWithParameters) {
  auto result = test::run_segkit("models");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("unet"), std::string::npos);
  EXPECT_TRUE(std::regex_search(result.out, std::regex("resnet34 +resnet +21284672 ")));
  EXPECT_TRUE(std::regex_search(result.out, std::regex("se_resnext50_32x4d +senet +25510896 ")));
  EXPECT_TRUE(std::regex_search(result.out, std::regex("mobilenet_v2 +mobilenet +2223872 ")));
  EXPECT_TRUE(std::regex_search(result.out, std::regex("inceptionresnetv2 +inceptionresnetv2 +54306464 ")));
  EXPECT_NE(result.out.find("deeplabv3plus  DeepLabV3Plus"), std::string::npos) << result.out;
}

TEST(CliParity, PassesOnSharedCaseAndFailsOnBadFile) {
  SEGKIT_REQUIRE_SHARED(shared);
  auto good = test::run_segkit("parity '" + (shared / "parity/linknet_resnet18.json").string() + "'");
  EXPECT_EQ(good.exit_code, 0) << good.out << good.err;
  EXPECT_NE(good.out.find("linknet_resnet18: PASS"), std::string::npos) << good.out;
  auto bad = test::run_segkit("parity '" + (shared / "parity/index.json").string() + "'");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("index.json"), std::string::npos) << bad.err;
}

TEST(Cli, RleDecodeThenEncodeRoundTrips) {
  test::TempDir dir;
  const std::string mask = (dir / "mask.png").string();
  auto decoded = run_segkit("rle decode --format kaggle --size 4x5 '3 4 9 1 16 1 18 3' -o '" + mask + "'");
  ASSERT_EQ(decoded.exit_code, 0) << decoded.err;
  auto encoded = run_segkit("rle encode --format kaggle '" + mask + "'");
  EXPECT_EQ(encoded.exit_code, 0) << encoded.err;
  EXPECT_EQ(encoded.out, "3 4 9 1 16 1 18 3\n");
  auto malformed = run_segkit("rle decode --format kaggle --size 4x5 '3 4 9' -o '" + mask + "'");
  EXPECT_EQ(malformed.exit_code, 1);
  EXPECT_TRUE(contains(malformed.err, "odd")) << malformed.err;
  EXPECT_EQ(run_segkit("rle decode --format kaggle --size 4by5 '1 2' -o '" + mask + "'").exit_code, 2);
}

TEST(Cli, FoldsWritesAStratifiedSplitOfTheConfigDataset) {
  test::TempDir dir;
  std::string csv = "ImageId,EncodedPixels\n";
  for (int i = 0; i < 12; ++i) {
    const std::string name = std::to_string(i) + ".png";
    test::write_text(dir / "images" / name, "");  // only existence is checked when folds are made
    csv += name + "," + (i % 3 == 0 ? "1 2" : "") + "\n";
  }
  test::write_text(dir / "train.csv", csv);
  test::write_text(dir / "run.yaml", "data: {format: rle_csv, csv: train.csv, image_dir: images}\nfolds: {k: 4}\n");
  auto result = run_segkit("folds '" + (dir / "run.yaml").string() + "'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(contains(result.out, "fold 3: 3 images")) << result.out;
  const std::string folds = read_file(dir / "folds.csv");
  EXPECT_EQ(folds.rfind("ImageId,fold\n0.png,", 0), 0u) << folds;
  auto typo = run_segkit("folds '" + (dir / "run.yaml").string() + "' data.image_dri=x");
  EXPECT_EQ(typo.exit_code, 1);
  EXPECT_TRUE(contains(typo.err, "did you mean 'image_dir'")) << typo.err;
}

TEST(Cli, ModelsShowPrintsTheStateDictInPythonOrder) {
  auto result = run_segkit("models show arch=deeplabv3plus encoder_name=resnet18 classes=2");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out.rfind("encoder.conv1.weight\t[64,3,7,7]\t9408\n", 0), 0u) << result.out.substr(0, 200);
  EXPECT_TRUE(contains(result.out, "decoder.block1.0.weight\t[48,64,1,1]\t3072\n"));
  EXPECT_TRUE(contains(result.out, "segmentation_head.0.weight\t[2,256,1,1]\t512\n"));
  EXPECT_TRUE(contains(result.err, "DeepLabV3Plus: "));
  auto typo = run_segkit("models show arch=deeplabv3plus decoder_chanels=3");
  EXPECT_EQ(typo.exit_code, 1);
  EXPECT_TRUE(contains(typo.err, "decoder_channels")) << typo.err;
}

TEST(Cli, SynthWritesADatasetThatConfigsInclude) {
  test::TempDir dir;
  const std::string out = (dir / "steel").string();
  auto result = run_segkit("synth --kind steel --count 3 --size 64x256 --seed 5 '" + out + "'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(contains(result.out, "class 1: ")) << result.out;
  EXPECT_TRUE(contains(result.out, "class 4: ")) << result.out;
  EXPECT_EQ(read_file(dir / "steel/train.csv").rfind("ImageId,ClassId,EncodedPixels\n", 0), 0u);
  test::write_text(dir / "steel/run.yaml", "include: data.yaml\nfolds: {k: 3, method: kfold}\n");
  auto folds = run_segkit("folds '" + (dir / "steel/run.yaml").string() + "'");
  EXPECT_EQ(folds.exit_code, 0) << folds.err;
  EXPECT_TRUE(contains(folds.out, "fold 2: 1 images")) << folds.out;

  auto again = run_segkit("synth --kind steel --count 3 '" + out + "'");
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_TRUE(contains(again.err, "--force")) << again.err;
  EXPECT_EQ(run_segkit("synth --kind steel --count 3 --force '" + out + "'").exit_code, 0);

  auto typo = run_segkit("synth --kind stel '" + (dir / "other").string() + "'");
  EXPECT_NE(typo.exit_code, 0);
  EXPECT_TRUE(contains(typo.err, "did you mean 'steel'")) << typo.err;
  EXPECT_EQ(run_segkit("synth --kind steel --size 64by256 '" + (dir / "other").string() + "'").exit_code, 2);
}

TEST(Cli, PrepareAndTrainRunOnSyntheticSteel) {
  test::TempDir dir;
  const auto config = test::synth_steel_run(dir / "steel", 8, "64x128",
                                            "folds: {k: 4, method: kfold}\n"
                                            "augment: {train: [Normalize], val: [Normalize]}\n"
                                            "train: {epochs: 1, batch_size: 2, workers: 1}\n");
  const std::string run_dir = (dir / "run").string();
  auto trained = run_segkit("--threads 1 train '" + config.string() + "' --out '" + run_dir + "'");
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  EXPECT_NE(trained.out.find("fold 0: best val.dice"), std::string::npos) << trained.out;
  EXPECT_TRUE(std::filesystem::exists(dir / "run/fold0/best/model.safetensors"));
  EXPECT_TRUE(std::filesystem::exists(dir / "run/fold0/report.html"));
  // A finished run resumes to nothing; a typo in a training key names the valid one.
  EXPECT_EQ(run_segkit("train '" + config.string() + "' --out '" + run_dir + "' --resume").exit_code, 0);
  auto typo = run_segkit("train '" + config.string() + "' train.epoch=2 --out '" + run_dir + "'");
  EXPECT_NE(typo.exit_code, 0);
  EXPECT_NE(typo.err.find("epochs"), std::string::npos) << typo.err;

  auto prepared = run_segkit("prepare '" + config.string() + "' --size 32x64 -o '" + (dir / "cache").string() + "'");
  ASSERT_EQ(prepared.exit_code, 0) << prepared.err;
  EXPECT_NE(prepared.out.find("prepared 8 images"), std::string::npos) << prepared.out;
  EXPECT_TRUE(std::filesystem::exists(dir / "cache/prepared.json"));
}

// The newer encoders and architectures (timm's, MiT, Segformer) train and predict through the CLI as
// the classic ones do, from the same config keys.
TEST(Cli, NewerArchitecturesTrainAndPredictThroughTheCli) {
  test::TempDir dir;
  test::synth_steel_run(dir / "steel", 8, "64x128", "");
  for (const std::string model : {"{arch: segformer, encoder_name: mit_b0}",
                                  "{arch: unet, encoder_name: tu-convnext_tiny, encoder_depth: 4, decoder_channels: [32, 16, 8, 8]}",
                                  "{arch: upernet, encoder_name: tu-regnety_002}"}) {
    const auto config = test::write_text(dir / "steel/newer.yaml",
                                         "include: data.yaml\nmodel: " + model +
                                             "\nfolds: {k: 4, method: kfold}\n"
                                             "augment: {train: [Normalize], val: [Normalize]}\n"
                                             "train: {epochs: 1, batch_size: 2, workers: 1, report_examples: 0}\n");
    const std::string run = (dir / "run").string(), pred = (dir / "pred").string();
    std::filesystem::remove_all(run);
    auto trained = run_segkit("--threads 1 train '" + config.string() + "' --out '" + run + "'");
    ASSERT_EQ(trained.exit_code, 0) << model << "\n" << trained.err;
    auto predicted = run_segkit("--threads 1 predict --run '" + run + "' --input '" + config.string() + "' --out '" +
                                pred + "'");
    ASSERT_EQ(predicted.exit_code, 0) << model << "\n" << predicted.err;
    EXPECT_TRUE(std::filesystem::exists(dir / "pred/index.json")) << model;
  }
}

TEST(Cli, TuneWritesPostprocessYamlFromARunDir) {
  test::TempDir dir;
  // Two folds, one class: a truth square at p = 0.8 and a 4-pixel noise blob in every image.
  for (int fold = 0; fold < 2; ++fold) {
    std::vector<std::vector<uint8_t>> buffers;
    buffers.reserve(8);
    std::vector<io::TensorRef> tensors;
    for (int i = 0; i < 3; ++i) {
      const std::string id = "f" + std::to_string(fold) + "_" + std::to_string(i);
      auto& p = buffers.emplace_back(32 * 32, 0);
      auto& t = buffers.emplace_back(32 * 32, 0);
      for (int y = 4; y < 14; ++y) {
        for (int x = 4; x < 14; ++x) p[y * 32 + x] = 204, t[y * 32 + x] = 1;
      }
      for (int y = 24; y < 26; ++y) {
        for (int x = 24; x < 26; ++x) p[y * 32 + x] = 230;
      }
      tensors.push_back({"probabilities/" + id, io::DType::kU8, {1, 32, 32}, p.data()});
      tensors.push_back({"masks/" + id, io::DType::kU8, {1, 32, 32}, t.data()});
    }
    std::filesystem::create_directories(dir / ("fold" + std::to_string(fold)));
    io::write_safetensors(dir / ("fold" + std::to_string(fold)) / "oof.safetensors", tensors,
                          {{"format", "segkit-oof-v1"}});
  }
  test::write_text(dir / "config.yaml", "data:\n  classes: [defect]\n");
  auto result = run_segkit("tune --run '" + dir.path().string() + "' --min-areas 0,10,200");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(contains(result.out, "defect")) << result.out;
  EXPECT_TRUE(contains(result.out, "min_area")) << result.out;
  EXPECT_TRUE(contains(result.out, "mean dice: ")) << result.out;
  const std::string yaml = read_file(dir / "postprocess.yaml");
  EXPECT_TRUE(contains(yaml, "defect:")) << yaml;
  EXPECT_TRUE(contains(yaml, "min_area: 10")) << yaml;

  auto explicit_files = run_segkit("tune --oof '" + (dir / "fold0/oof.safetensors").string() + "' -o '" +
                                   (dir / "pp.yaml").string() + "'");
  EXPECT_EQ(explicit_files.exit_code, 0) << explicit_files.err;
  EXPECT_TRUE(std::filesystem::exists(dir / "pp.yaml"));

  auto missing = run_segkit("tune --run '" + (dir / "no_such_run").string() + "'");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_TRUE(contains(missing.err, (dir / "no_such_run").string())) << missing.err;
}

TEST(Cli, SubmitAndEvaluateAPredictionDirOfTheTruth) {
  test::TempDir dir;
  data::SynthOptions options;
  options.kind = data::SynthKind::kClouds;
  options.count = 4;
  options.keep_samples = true;
  const auto summary = data::synthesize(options, dir / "clouds");
  submit::PredictionIndex index{summary.classes, {}};
  for (const auto& sample : summary.samples)
    index.images.push_back(submit::write_prediction_masks(dir / "pred", sample.id, sample.mask, summary.classes));
  submit::write_prediction_index(dir / "pred", index);

  const std::string pred = (dir / "pred").string(), csv = (dir / "sub.csv").string();
  auto submitted = run_segkit("submit --pred '" + pred + "' --format clouds -o '" + csv + "'");
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  EXPECT_TRUE(contains(submitted.out, "4 images, 16 rows")) << submitted.out;
  EXPECT_EQ(read_file(csv), read_file(dir / "clouds/train.csv"));

  const std::string config = (dir / "clouds/data.yaml").string(), json = (dir / "scores.json").string();
  auto scored = run_segkit("evaluate '" + config + "' --pred '" + pred + "' --json '" + json + "'");
  ASSERT_EQ(scored.exit_code, 0) << scored.err;
  EXPECT_TRUE(contains(scored.out, "dice 1.0000  dice_pos 1.0000")) << scored.out;
  EXPECT_TRUE(contains(scored.out, "Sugar ")) << scored.out;
  EXPECT_TRUE(contains(read_file(json), "\"dice\": 1.0")) << read_file(json);
  auto from_csv = run_segkit("evaluate '" + config + "' --submission '" + csv + "' --format clouds");
  ASSERT_EQ(from_csv.exit_code, 0) << from_csv.err;
  EXPECT_TRUE(contains(from_csv.out, "dice 1.0000")) << from_csv.out;

  auto typo = run_segkit("submit --pred '" + pred + "' --format cloud -o '" + csv + "'");
  EXPECT_NE(typo.exit_code, 0);
  EXPECT_TRUE(contains(typo.err, "did you mean 'clouds'")) << typo.err;
  EXPECT_NE(run_segkit("evaluate '" + config + "' --submission '" + csv + "'").exit_code, 0);
}

}  // namespace
}  // namespace segkit
