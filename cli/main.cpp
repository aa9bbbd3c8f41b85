// The `segkit` command line: global options, then one subcommand per job (cli/commands/). All work
// happens in the library; this file turns exceptions into a message and a non-zero exit code.

#include <CLI/CLI.hpp>
#include <sys/resource.h>

#include <cstdio>
#include <iostream>
#include <opencv2/core/version.hpp>

#include "cli/commands/commands.h"
#include "segkit/core/error.h"
#include "segkit/core/logging.h"
#include "segkit/nn/runtime.h"
#include "segkit/version.h"

namespace {

// Exit codes: 1 for a failed job (bad input, I/O), 2 for a malformed command line.
constexpr int kFailure = 1;
constexpr int kUsage = 2;

void print_version() {
  const auto info = segkit::nn::runtime_info();
  std::printf("segkit %s\n", segkit::kVersion);
  std::printf("LibTorch %s\n", info.torch_version.c_str());
  std::printf("OpenCV %s\n", CV_VERSION);
  if (info.cuda_available) {
    std::printf("device: CUDA (%d device(s))\n", info.cuda_devices);
  } else {
    std::printf("device: CPU (no CUDA device)\n");
  }
  std::printf("threads: %d\n", info.threads);
}

}  // namespace

int main(int argc, char** argv) {
  segkit::cli::set_command_line(std::vector<std::string>(argv, argv + argc));
  CLI::App app{"segkit: Kaggle-style image segmentation pipelines (SMP-compatible models) in C++"};
  app.require_subcommand(0, 1);
  bool show_version = false;
  std::string log_level = "info";
  int threads = 0;
  app.add_flag("-V,--version", show_version, "Print segkit, LibTorch and OpenCV versions, device and threads");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")->capture_default_str();
  app.add_option("--threads", threads, "CPU threads (0: OMP_NUM_THREADS if set, else all cores)")
      ->check(CLI::NonNegativeNumber);
  app.parse_complete_callback([&] {
    segkit::set_log_level(log_level);
    segkit::nn::configure_threads(threads);
  });
  segkit::cli::add_config_command(app);
  segkit::cli::add_inspect_command(app);
  segkit::cli::add_models_command(app);
  segkit::cli::add_parity_command(app);
  segkit::cli::add_rle_command(app);
  segkit::cli::add_folds_command(app);
  segkit::cli::add_prepare_command(app);
  segkit::cli::add_train_command(app);
  segkit::cli::add_predict_command(app);
  segkit::cli::add_ensemble_command(app);
  segkit::cli::add_pseudo_label_command(app);
  segkit::cli::add_synth_command(app);
  segkit::cli::add_submit_command(app);
  segkit::cli::add_evaluate_command(app);
  segkit::cli::add_tune_command(app);
  segkit::cli::add_lr_find_command(app);
  segkit::cli::add_doctor_command(app);
  segkit::cli::add_export_command(app);

  try {
    app.parse(argc, argv);
    struct rusage usage {};
    if (getrusage(RUSAGE_SELF, &usage) == 0) {
      segkit::log::debug("peak resident memory: {} MB", usage.ru_maxrss / 1024);  // Linux reports KB
    }
    if (show_version) {
      print_version();
    } else if (app.get_subcommands().empty()) {
      std::cout << app.help();
    }
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kUsage;
  } catch (const segkit::Error& e) {
    segkit::log::error("{}", e.what());
    return kFailure;
  } catch (const std::exception& e) {
    segkit::log::error("unexpected error: {}", e.what());
    return kFailure;
  }
  return 0;
}
