// Kill safety: `segkit predict` and `segkit train` are killed with SIGKILL at seeded random moments;
// whatever they left on disk is complete or absent, and re-running (predict) or resuming (train)
// ends with exactly the files of an uninterrupted run.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include "segkit/core/atomic_file.h"
#include "segkit/io/image_io.h"
#include "segkit/nn/tensor_io.h"
#include "segkit/submit/prediction_dir.h"
#include "tests/support/test_support.h"

namespace segkit {
namespace {

namespace fs = std::filesystem;
using test::run_segkit;

// Starts segkit with `arguments` (split on spaces; no quoting needed for temp paths) and kills it
// with SIGKILL after `delay`. Returns true when the kill came before the process finished.
bool run_and_kill(const std::vector<std::string>& arguments, std::chrono::milliseconds delay) {
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv{const_cast<char*>(SEGKIT_CLI_PATH)};
    for (const auto& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    freopen("/dev/null", "w", stdout);
    freopen("/dev/null", "w", stderr);
    execv(SEGKIT_CLI_PATH, argv.data());
    _exit(127);
  }
  std::this_thread::sleep_for(delay);
  const bool killed = kill(pid, SIGKILL) == 0;
  int status = 0;
  waitpid(pid, &status, 0);
  return killed && WIFSIGNALED(status);
}

std::map<std::string, std::string> files_under(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) files[fs::relative(entry.path(), dir).string()] = read_file(entry.path());
  }
  return files;
}

// Every output left by a killed predict is whole: the index (if any) reads back with its masks, and
// every probability file and mask PNG decodes.
void expect_only_complete_outputs(const fs::path& pred) {
  if (fs::exists(pred / "index.json")) {
    const auto index = submit::read_prediction_index(pred);
    for (const auto& image : index.images) EXPECT_NO_THROW(submit::read_prediction_masks(pred, image, index.classes));
  }
  for (const auto& entry : fs::recursive_directory_iterator(pred)) {
    const auto extension = entry.path().extension();
    if (extension == ".safetensors") {
      EXPECT_NO_THROW(nn::load_safetensors(entry.path())) << entry.path();
    } else if (extension == ".png") {
      EXPECT_NO_THROW(io::read_image(entry.path())) << entry.path();
    }
  }
}

fs::path synth_run(const test::TempDir& dir, int epochs) {
  return test::synth_steel_run(dir / "data", 24, "64x256",
                               "folds: {k: 3, method: kfold}\n"
                               "augment: {train: [{HorizontalFlip: {p: 0.5}}, Normalize], val: [Normalize]}\n"
                               "train: {epochs: " + std::to_string(epochs) +
                                   ", batch_size: 4, workers: 1, checkpoint_every: 1, report_examples: 0}\n");
}

TEST(KillSafety, KilledPredictLeavesOnlyCompleteFilesAndARerunFinishesIdentically) {
  test::TempDir dir;
  const auto config = synth_run(dir, 1);
  ASSERT_EQ(run_segkit("--threads 1 train '" + config.string() + "' --out '" + (dir / "run").string() + "'").exit_code, 0);
  const auto predict = [&](const std::string& out) {
    return std::vector<std::string>{"--threads", "1", "predict", "--run", (dir / "run").string(), "--input",
                                    config.string(), "--out", (dir / out).string(), "--save", "both", "--tta", "hflip"};
  };
  ASSERT_EQ(run_segkit("--threads 1 predict --run '" + (dir / "run").string() + "' --input '" + config.string() +
                       "' --out '" + (dir / "reference").string() + "' --save both --tta hflip")
                .exit_code,
            0);
  std::mt19937 rng(7);
  int kills = 0;
  for (int attempt = 0; attempt < 4; ++attempt) {
    const auto delay = std::chrono::milliseconds(std::uniform_int_distribution<int>(150, 900)(rng));
    kills += run_and_kill(predict("pred"), delay) ? 1 : 0;
    if (fs::exists(dir / "pred")) expect_only_complete_outputs(dir / "pred");
  }
  EXPECT_GE(kills, 1) << "no run was interrupted; the test proves nothing";
  ASSERT_EQ(run_segkit("--threads 1 predict --run '" + (dir / "run").string() + "' --input '" + config.string() +
                       "' --out '" + (dir / "pred").string() + "' --save both --tta hflip")
                .exit_code,
            0);
  // The rerun removed the killed runs' abandoned temp files and completed the rest: same files, same bytes.
  const auto resumed = files_under(dir / "pred"), reference = files_under(dir / "reference");
  for (const auto& [name, bytes] : reference) {
    const auto found = resumed.find(name);
    ASSERT_NE(found, resumed.end()) << name << " is missing";
    EXPECT_TRUE(found->second == bytes) << name << " differs";
  }
  for (const auto& [name, bytes] : resumed) EXPECT_TRUE(reference.count(name)) << name << " is extra";
}

TEST(KillSafety, KilledTrainingResumesToTheWeightsOfAnUninterruptedRun) {
  test::TempDir dir;
  const auto config = synth_run(dir, 3);
  const auto train = [&](const std::string& out, bool resume) {
    std::vector<std::string> arguments{"--threads", "1", "train", config.string(), "--out", (dir / out).string()};
    if (resume) arguments.push_back("--resume");
    return arguments;
  };
  ASSERT_EQ(run_segkit("--threads 1 train '" + config.string() + "' --out '" + (dir / "reference").string() + "'")
                .exit_code,
            0);
  std::mt19937 rng(11);
  int kills = 0;
  for (int attempt = 0; attempt < 4; ++attempt) {
    const auto delay = std::chrono::milliseconds(std::uniform_int_distribution<int>(300, 1500)(rng));
    kills += run_and_kill(train("run", attempt > 0), delay) ? 1 : 0;
    const auto last = dir / "run/fold0/last.pt";
    if (fs::exists(last)) {
      EXPECT_GT(fs::file_size(last), 0u);
    }
  }
  EXPECT_GE(kills, 1) << "no run was interrupted; the test proves nothing";
  ASSERT_EQ(run_segkit("--threads 1 train '" + config.string() + "' --out '" + (dir / "run").string() + "' --resume")
                .exit_code,
            0);
  EXPECT_EQ(read_file(dir / "run/fold0/best/model.safetensors"),
            read_file(dir / "reference/fold0/best/model.safetensors"));
  EXPECT_EQ(read_file(dir / "run/fold0/oof.safetensors"), read_file(dir / "reference/fold0/oof.safetensors"));
  for (const auto& entry : fs::recursive_directory_iterator(dir / "run")) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << "left behind: " << entry.path();
  }
}

// A pid that no process has any more: a child that has exited and been reaped.
pid_t dead_pid() {
  const pid_t pid = fork();
  if (pid == 0) _exit(0);
  int status = 0;
  waitpid(pid, &status, 0);
  return pid;
}

TEST(KillSafety, ResumeRemovesTempFilesOfAKilledWriterAtEveryLevelOfTheRun) {
  test::TempDir dir;
  const auto config = synth_run(dir, 1);
  const auto run = dir / "run";
  ASSERT_EQ(run_segkit("--threads 1 train '" + config.string() + "' --out '" + run.string() + "'").exit_code, 0);
  // What a kill leaves mid-write: the run's own files (config.yaml, run_info.json) sit above the folds.
  const auto pid = std::to_string(dead_pid());
  const std::vector<fs::path> abandoned{run / (".run_info." + pid + "-0.tmp.json"),
                                        run / "fold0" / (".last." + pid + "-3.tmp.pt")};
  for (const auto& file : abandoned) write_file_atomic(file, "half written");
  ASSERT_EQ(run_segkit("--threads 1 train '" + config.string() + "' --out '" + run.string() + "' --resume").exit_code,
            0);
  for (const auto& file : abandoned) EXPECT_FALSE(fs::exists(file)) << "left behind: " << file;
}

}  // namespace
}  // namespace segkit

namespace segkit {
namespace {

// Memory does not grow with the number of images: training (out-of-fold file included) and
// prediction stream. Peak RSS as segkit reports it with --log-level debug.
double peak_megabytes(const test::CommandResult& result) {
  const auto at = result.err.find("peak resident memory: ");
  EXPECT_NE(at, std::string::npos) << result.err;
  return at == std::string::npos ? 0.0 : std::stod(result.err.substr(at + 22));
}

TEST(ResourceLimits, PeakMemoryStaysFlatAsTheDatasetGrows) {
  std::vector<double> train_peak, predict_peak;
  // From 32 images on, the allocators are warm; below that, peaks still rise as arenas fill.
  for (int count : {32, 128}) {
    test::TempDir dir;
    const auto config = test::synth_steel_run(dir / "data", count, "128x800",
                                              "folds: {k: 2, method: kfold}\n"
                                              "augment: {train: [Normalize], val: [Normalize]}\n"
                                              "train: {epochs: 1, batch_size: 4, workers: 2, report_examples: 0}\n");
    const auto trained = run_segkit("--log-level debug --threads 1 train '" + config.string() + "' --out '" +
                                    (dir / "run").string() + "'");
    ASSERT_EQ(trained.exit_code, 0) << trained.err;
    train_peak.push_back(peak_megabytes(trained));
    const auto predicted = run_segkit("--log-level debug --threads 1 predict --run '" + (dir / "run").string() +
                                      "' --input '" + config.string() + "' --out '" + (dir / "pred").string() +
                                      "' --save both");
    ASSERT_EQ(predicted.exit_code, 0) << predicted.err;
    predict_peak.push_back(peak_megabytes(predicted));
  }
  // 4x the images (the out-of-fold maps and probabilities grow 4x on disk): the peaks stay put.
  EXPECT_LT(train_peak[1], train_peak[0] * 1.1 + 16) << train_peak[0] << " -> " << train_peak[1] << " MB";
  EXPECT_LT(predict_peak[1], predict_peak[0] * 1.1 + 16) << predict_peak[0] << " -> " << predict_peak[1] << " MB";
}

}  // namespace
}  // namespace segkit
