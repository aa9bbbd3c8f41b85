#include <gtest/gtest.h>

#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>

#include "segkit/config/config.h"
#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/data/dataset_factory.h"
#include "segkit/data/synth.h"
#include "segkit/models/hub_format.h"
#include "segkit/nn/machine.h"
#include "segkit/nn/tensor_io.h"
#include "segkit/train/lr_finder.h"
#include "segkit/train/train_run.h"
#include "segkit/train/trainer.h"
#include "segkit/transforms/transform_registry.h"
#include "tests/support/native_bf16.h"
#include "tests/support/test_support.h"

namespace segkit::train {
namespace {

namespace fs = std::filesystem;

// Small steel-like data (4 classes, streaks and blobs) and a config that trains a depth-3 Unet
// on it in seconds.
struct SteelRun {
  ::segkit::test::TempDir dir;
  fs::path config_file;

  explicit SteelRun(const std::string& extra = "", int count = 16) {
    data::SynthOptions synth;
    synth.kind = data::SynthKind::kSteel;
    synth.count = count;
    synth.height = 64;
    synth.width = 128;
    synth.empty_fraction = 0.2;
    data::synthesize(synth, dir / "steel");
    // data.yaml's paths are relative to the config that includes it, so the config sits beside it.
    config_file = ::segkit::test::write_text(dir / "steel/run.yaml", fmt::format(R"(include: data.yaml
seed: 3
threads: 1
model: {{arch: unet, encoder_name: resnet18, encoder_depth: 3, decoder_channels: [32, 16, 8]}}
folds: {{k: 4, method: kfold, file: folds.csv}}
augment:
  train: [{{HorizontalFlip: {{p: 0.5}}}}, Normalize]
  val: [Normalize]
loss: {{name: bce_dice}}
optimizer: {{name: adam, lr: 0.003}}
train: {{epochs: 6, batch_size: 4, workers: 2, report_examples: 2}}
{})",
                                                                  extra));
  }
  config::Config config(const std::vector<std::string>& overrides = {}) const {
    return config::load_config(config_file, overrides, config::segkit_schema());
  }
};

torch::Tensor flat_weights(torch::nn::Module& model) {
  std::vector<torch::Tensor> parts;
  for (const auto& tensor : model.parameters()) parts.push_back(tensor.detach().flatten());
  for (const auto& tensor : model.buffers()) parts.push_back(tensor.detach().flatten().to(torch::kFloat64).to(torch::kFloat32));
  return torch::cat(parts);
}

TEST(Trainer, LearnsSyntheticSteelDefects) {
  SteelRun run;
  RunRequest request;
  request.run_dir = run.dir / "run";
  const auto results = train_from_config(run.config(), run.dir / "steel", request);
  ASSERT_EQ(results.size(), 1u);
  const auto& history = results[0].state.history;
  ASSERT_EQ(history.size(), 6u);
  const double first_loss = history.front()["train"]["loss"].get<double>();
  const double last_loss = history.back()["train"]["loss"].get<double>();
  EXPECT_LT(last_loss, 0.7 * first_loss) << "training loss did not fall";
  const double first_dice = history.front()["val"]["dice"].get<double>();
  const double best_dice = *results[0].state.best;
  EXPECT_GT(best_dice, first_dice + 0.05) << "validation Dice did not rise";

  const auto fold_dir = request.run_dir / "fold0";
  for (const char* file : {"last.pt", "best/config.json", "best/model.safetensors", "best/segkit.json", "log.jsonl", "log.csv",
                           "report.html", "oof.safetensors"}) {
    EXPECT_TRUE(fs::exists(fold_dir / file)) << file;
  }
  EXPECT_TRUE(fs::exists(request.run_dir / "config.yaml"));
  EXPECT_TRUE(fs::exists(run.dir / "steel/folds.csv"));
  // Out-of-fold probabilities: one uint8 (K, H, W) tensor per validation image, with its truth.
  const auto oof = nn::load_safetensors(fold_dir / "oof.safetensors");
  EXPECT_EQ(oof.tensors.size(), 2u * 4u);  // 16 images, 4 folds
  for (const auto& [name, tensor] : oof.tensors) {
    EXPECT_EQ(tensor.scalar_type(), torch::kUInt8) << name;
    EXPECT_EQ(tensor.sizes(), (std::vector<int64_t>{4, 64, 128})) << name;
  }
  const auto csv = read_file(fold_dir / "log.csv");
  EXPECT_NE(csv.find("val.dice_per_class."), std::string::npos) << csv.substr(0, 400);
}

// CPU autocast: convolutions in bfloat16, weights, optimiser state and losses in float32.
TEST(Trainer, LearnsInBfloat16Autocast) {
  SEGKIT_REQUIRE_NATIVE_BF16();
  SteelRun run;
  RunRequest request;
  request.run_dir = run.dir / "run";
  const auto results = train_from_config(run.config({"train.precision=bf16"}), run.dir / "steel", request);
  const auto& history = results[0].state.history;
  ASSERT_EQ(history.size(), 6u);
  EXPECT_LT(history.back()["train"]["loss"].get<double>(), 0.7 * history.front()["train"]["loss"].get<double>());
  EXPECT_GT(*results[0].state.best, history.front()["val"]["dice"].get<double>() + 0.05);
  for (const auto& [name, tensor] : nn::load_safetensors(request.run_dir / "fold0/best/model.safetensors").tensors) {
    if (tensor.is_floating_point()) {
      EXPECT_EQ(tensor.scalar_type(), torch::kFloat) << name;
    }
  }
}

// Trains twice, once straight through and once killed after step 5 (last checkpoint: step 4) and
// resumed; the weights must be bit-identical.
void expect_resume_after_a_kill_is_exact(const std::string& precision) {
  SteelRun run("", 12);
  const auto config = run.config(
      {"train.epochs=2", "train.checkpoint_every=2", "train.ema_decay=0.9", "train.precision=" + precision});
  const auto dataset = data::build_dataset(config.at("data"), run.dir / "steel");
  auto make_loader = [&](bool training) {
    loader::LoaderOptions options;
    options.batch_size = 3;
    options.workers = training ? 2 : 0;
    options.shuffle = training;
    options.seed = 3;
    return std::make_unique<loader::DataLoader>(
        dataset, transforms::build_pipeline(config.at(training ? "augment.train" : "augment.val")), options,
        training ? std::vector<size_t>{0, 1, 2, 3, 4, 5, 6, 7, 8} : std::vector<size_t>{9, 10, 11});
  };
  auto train_once = [&](const fs::path& dir, bool resume, int throw_at_step) {
    torch::manual_seed(7);
    auto loader = make_loader(true);
    auto val = make_loader(false);
    Trainer trainer(build_trainer_parts(config, dataset.get(), 3), read_train_options(config), dir, dataset->class_names());
    if (throw_at_step > 0) {
      trainer.set_step_hook([&](const TrainState& state) {
        if (state.global_step == throw_at_step) throw std::runtime_error("killed");
      });
    }
    trainer.fit(*loader, *val, resume);
    return flat_weights(*trainer.model());
  };
  const auto uninterrupted = train_once(run.dir / "a", false, 0);
  EXPECT_THROW(train_once(run.dir / "b", false, 5), std::runtime_error);  // last checkpoint: step 4
  const auto resumed = train_once(run.dir / "b", true, 0);
  EXPECT_TRUE(torch::equal(uninterrupted, resumed)) << "max |difference| "
                                                   << (uninterrupted - resumed).abs().max().item<double>();
  EXPECT_EQ(read_file(run.dir / "a/log.jsonl").size() > 0, true);
}

// train.channels_last: auto trains channels-last where oneDNN runs AVX-512 and NCHW below it (AVX2:
// channels-last steps up to 25 % slower); true and false are taken as written.
TEST(Trainer, ChannelsLastAutoFollowsTheInstructionSet) {
  SteelRun run;
  const auto is_channels_last = [&](const std::string& setting) {
    const auto config = run.config({"train.channels_last=" + setting});
    const auto parts = build_trainer_parts(config, nullptr, 1);
    const auto weight = parts.model->named_parameters()["encoder.conv1.weight"];
    return weight.is_contiguous(torch::MemoryFormat::ChannelsLast) && !weight.is_contiguous();
  };
  EXPECT_EQ(is_channels_last("auto"), nn::onednn_uses_avx512());
  EXPECT_TRUE(is_channels_last("true"));
  EXPECT_FALSE(is_channels_last("false"));
}

TEST(Trainer, ResumeAfterAKillGivesBitIdenticalWeights) { expect_resume_after_a_kill_is_exact("fp32"); }

TEST(Trainer, ResumeAfterAKillGivesBitIdenticalWeightsInBfloat16Autocast) {
  SEGKIT_REQUIRE_NATIVE_BF16();
  expect_resume_after_a_kill_is_exact("bf16");
}

TEST(Trainer, AccumulatingTwoBatchesEqualsOneBatchTwiceAsLarge) {
  SteelRun run("", 8);
  auto train = [&](int batch_size, int accumulate) {
    const auto config = run.config({"train.epochs=1", fmt::format("train.batch_size={}", batch_size),
                                    fmt::format("train.accumulate={}", accumulate), "train.freeze_encoder_epochs=1", "model.decoder_use_norm=false",
                                    "loss.name=bce", "optimizer.name=sgd", "optimizer.momentum=0", "optimizer.lr=0.5",
                                    "augment.train=[Normalize]"});
    // Without batch statistics (a frozen encoder keeps its BatchNorm in eval mode, the decoder has
    // none), a mean loss over 4 images equals the mean of two 2-image halves.
    const auto dataset = data::build_dataset(config.at("data"), run.dir / "steel");
    torch::manual_seed(5);
    auto parts = build_trainer_parts(config, dataset.get(), 1);
    const auto initial = flat_weights(*parts.model).clone();
    loader::LoaderOptions options;
    options.batch_size = batch_size;
    options.workers = 0;
    loader::DataLoader loader(dataset, transforms::build_pipeline(config.at("augment.train")), options, {0, 1, 2, 3});
    loader::DataLoader val(dataset, transforms::build_pipeline(config.at("augment.val")), options, {4, 5});
    Trainer trainer(std::move(parts), read_train_options(config), run.dir / fmt::format("b{}a{}", batch_size, accumulate),
                    dataset->class_names());
    trainer.fit(loader, val, false);
    return std::make_pair(initial, flat_weights(*trainer.model()));
  };
  const auto [initial, whole] = train(4, 1);
  const auto accumulated = train(2, 2).second;
  // Equal up to float summation order: far below the size of the step itself.
  const double step = (whole - initial).abs().max().item<double>();
  const double difference = (whole - accumulated).abs().max().item<double>();
  EXPECT_GT(step, 1e-3);
  EXPECT_LT(difference, 1e-3 * step) << "step " << step << ", difference " << difference;
}

TEST(Trainer, ANanLossStopsWithTheImagesAndKeepsTheLastCheckpoint) {
  SteelRun run;
  // A learning rate this large drives the weights to inf within a few steps.
  RunRequest request;
  request.run_dir = run.dir / "run";
  try {
    train_from_config(run.config({"optimizer.name=sgd", "optimizer.lr=1e30", "train.epochs=3"}), run.dir / "steel", request);
    FAIL() << "a diverging run finished";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("the loss is"), std::string::npos) << message;
    EXPECT_NE(message.find("images "), std::string::npos) << message;
  }
  auto config = run.config({"optimizer.name=sgd", "optimizer.lr=1e30", "train.epochs=2", "train.on_nan=skip"});
  request.run_dir = run.dir / "skipping";
  const auto results = train_from_config(config, run.dir / "steel", request);
  EXPECT_GT(results[0].state.history.back()["train"].value("skipped_batches", 0), 0);
}

TEST(Trainer, ConfigErrorsNameTheKey) {
  SteelRun run;
  RunRequest request;
  request.run_dir = run.dir / "run";
  try {
    train_from_config(run.config({"train.epochs=1", "train.monitor=val.dcie"}), run.dir / "steel", request);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("val.dice"), std::string::npos) << e.what();
  }
  try {
    train_from_config(run.config({"model.classes=3"}), run.dir / "steel", request);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("the dataset has 4 classes"), std::string::npos) << e.what();
  }
  EXPECT_THROW(train_from_config(run.config({"train.fold=7"}), run.dir / "steel", request), ConfigError);
  if (!torch::cuda::is_available()) {
    try {
      train_from_config(run.config({"train.precision=fp16", "device=cpu"}), run.dir / "steel", request);
      FAIL();
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("train.precision: fp16 needs a CUDA device"), std::string::npos) << e.what();
    }
  }
}

// `segkit models init` writes the weights a fold starts from (so a Python run can start there too),
// and model.weights starts a run from any such folder, whatever the seed.
TEST(Trainer, ModelsInitWritesTheWeightsTrainingStartsFromAndModelWeightsLoadsThem) {
  SteelRun run;
  save_initial_model(run.config(), run.dir / "steel", 0, run.dir / "init0");
  save_initial_model(run.config(), run.dir / "steel", 1, run.dir / "init1");
  const auto init = models::from_pretrained(run.dir / "init0");
  const auto other_fold = models::from_pretrained(run.dir / "init1");
  // A step of rate 0 leaves every parameter where the fold started (only BatchNorm statistics move).
  RunRequest request;
  request.run_dir = run.dir / "still";
  train_from_config(run.config({"train.epochs=1", "optimizer={name: sgd, lr: 0.0}"}), run.dir / "steel", request);
  const auto trained = models::from_pretrained(run.dir / "still/fold0/best");
  const auto started = trained->named_parameters();
  bool folds_differ = false;
  for (const auto& item : init->named_parameters()) {
    EXPECT_TRUE(torch::equal(item.value(), started[item.key()])) << item.key();
    folds_differ = folds_differ || !torch::equal(item.value(), other_fold->named_parameters()[item.key()]);
  }
  EXPECT_TRUE(folds_differ) << "each fold is seeded with seed + fold";

  const auto loaded = initial_model(run.config({"seed=99", "model.classes=4", "model.weights=" + (run.dir / "init1").string()}), nullptr,
                                    TaskMode::kMultilabel);
  for (const auto& item : other_fold->named_parameters()) {
    EXPECT_TRUE(torch::equal(item.value(), loaded->named_parameters()[item.key()])) << item.key();
  }
  try {
    initial_model(run.config({"model.classes=4", "model.encoder_depth=4", "model.decoder_channels=[32, 16, 8, 8]",
                              "model.weights=" + (run.dir / "init0").string()}),
                  nullptr, TaskMode::kMultilabel);
    FAIL() << "weights of another architecture must be refused";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("model.weights"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("does not fit"), std::string::npos) << e.what();
  }
  EXPECT_THROW(initial_model(run.config({"model.weights=" + (run.dir / "absent").string()}), nullptr, TaskMode::kMultilabel),
               ConfigError);
}

// scheduler.monitor: the plateau follows its own value (here the step count, which never falls, so
// every epoch after the first is "no improvement" in mode min) while the best checkpoint follows
// train.monitor.
TEST(Trainer, ThePlateauFollowsSchedulerMonitorNotTheCheckpointMonitor) {
  SteelRun run;
  RunRequest request;
  request.run_dir = run.dir / "run";
  const auto results = train_from_config(
      run.config({"train.epochs=4", "scheduler={name: plateau, monitor: step, mode: min, patience: 0, factor: 0.5}"}),
      run.dir / "steel", request);
  const auto& history = results[0].state.history;
  ASSERT_EQ(history.size(), 4u);
  const auto lr = [&](size_t epoch) { return history[epoch]["lr"]["decoder"].get<double>(); };
  EXPECT_DOUBLE_EQ(lr(1), lr(0));
  EXPECT_DOUBLE_EQ(lr(2), 0.5 * lr(0));
  EXPECT_DOUBLE_EQ(lr(3), 0.25 * lr(0));
  EXPECT_EQ(results[0].state.best, std::optional<double>(history[results[0].state.best_epoch - 1]["val"]["dice"].get<double>()));

  request.run_dir = run.dir / "bad";
  try {
    train_from_config(run.config({"train.epochs=1", "scheduler={name: plateau, monitor: val.dcie}"}), run.dir / "steel",
                      request);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("scheduler.monitor: 'val.dcie' is not a number in the epoch log"),
              std::string::npos)
        << e.what();
  }
}

// fastai's lr_find: the rate grows geometrically from start to end, the loss is smoothed, a run
// whose smoothed loss passes 4x its minimum stops, and the suggestion lies on the tried range.
TEST(LrFinder, SweepsTheRateGeometricallyAndStopsWhenTheLossDiverges) {
  SteelRun run;
  LrFindOptions options;
  options.start_lr = 1e-5;
  options.end_lr = 1.0;
  options.steps = 30;
  const auto result = find_lr(run.config({"train.workers=0"}), run.dir / "steel", options);
  ASSERT_EQ(result.points.size(), 30u);
  EXPECT_DOUBLE_EQ(result.points.front().lr, 1e-5);
  EXPECT_NEAR(result.points.back().lr, 1.0, 1e-12);
  EXPECT_NEAR(result.points[15].lr / result.points[14].lr, std::pow(1e5, 1.0 / 29), 1e-9);
  EXPECT_DOUBLE_EQ(result.points.front().smoothed_loss, result.points.front().loss);  // bias-corrected
  EXPECT_GE(result.suggested_lr, 1e-5);
  EXPECT_LE(result.suggested_lr, 1.0);
  write_lr_find(run.dir / "lr", result);
  EXPECT_NE(read_file(run.dir / "lr/lr_find.csv").find("step,lr,loss,smoothed_loss\n1,1e-05,"), std::string::npos);
  EXPECT_NE(read_file(run.dir / "lr/lr_find.html").find("Suggested learning rate"), std::string::npos);

  // Plain SGD at rates up to 1e6 blows the loss up: the sweep stops there.
  options.end_lr = 1e6;
  const auto diverged = find_lr(run.config({"train.workers=0", "optimizer={name: sgd, lr: 0.01, momentum: 0.9}"}),
                                run.dir / "steel", options);
  EXPECT_TRUE(diverged.diverged);
  EXPECT_LT(diverged.points.size(), 30u);
  EXPECT_THROW(find_lr(run.config(), run.dir / "steel", {1.0, 0.1, 10, true}), ConfigError);
}

}  // namespace
}  // namespace segkit::train
