// `segkit train CONFIG [key=value ...] [--out RUN_DIR] [--fold K | --folds all] [--resume] [--nproc N]`:
// trains the config's model on its dataset, fold by fold (docs/training.md), on N data-parallel
// processes with --nproc or under a torchrun-style launcher (docs/distributed.md).

#include <cstdio>
#include <memory>

#include "cli/commands/commands.h"
#include "segkit/config/config.h"
#include "segkit/core/error.h"
#include "segkit/dist/dist_env.h"
#include "segkit/dist/local_launcher.h"
#include "segkit/train/train_run.h"
#ifdef SEGKIT_WITH_GLOO
#include "segkit/dist/gloo_communicator.h"
#endif

namespace segkit::cli {
namespace {

std::vector<std::string> arguments_without_nproc() {
  std::vector<std::string> out;
  const auto& all = command_line();
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i] == "--nproc") {
      ++i;  // and its value
    } else if (all[i].rfind("--nproc=", 0) != 0) {
      out.push_back(all[i]);
    }
  }
  return out;
}

// This process's rank in a distributed run (RANK, WORLD_SIZE, ... in the environment), if any.
dist::CommunicatorPtr join_process_group() {
  const auto env = dist::dist_env_from_environment();
  if (!env) return nullptr;
#ifdef SEGKIT_WITH_GLOO
  return dist::connect_gloo(*env);
#else
  throw ConfigError("WORLD_SIZE > 1 asks for distributed training, and this segkit was built without c10d's Gloo "
                    "headers: install libgloo-dev (scripts/install_deps.sh) and rebuild");
#endif
}

}  // namespace

void add_train_command(CLI::App& app) {
  struct Args {
    std::string file;
    std::vector<std::string> overrides;
    std::string out = "runs/train";
    int fold = -1;
    std::string folds;
    bool resume = false;
    int nproc = 1;
  };
  auto args = std::make_shared<Args>();
  auto* train = app.add_subcommand("train", "Train a model from a config (checkpoints, logs, report, out-of-fold predictions)");
  train->add_option("config", args->file, "YAML config file")->required()->check(CLI::ExistingFile);
  train->add_option("overrides", args->overrides, "dotted key=value overrides, e.g. train.epochs=3");
  train->add_option("-o,--out", args->out, "run directory")->capture_default_str();
  auto* fold = train->add_option("--fold", args->fold, "train this fold only (default: train.fold)")->check(CLI::NonNegativeNumber);
  train->add_option("--folds", args->folds, "'all': every fold, one after the other")
      ->check(CLI::IsMember({"all"}))
      ->excludes(fold);
  train->add_flag("--resume", args->resume, "continue from RUN_DIR/fold<k>/last.pt where it exists");
  train->add_option("--nproc", args->nproc, "data-parallel processes on this machine (docs/distributed.md)")
      ->check(CLI::PositiveNumber);
  train->callback([args] {
    if (args->nproc > 1) {
      if (dist::dist_env_from_environment()) throw ConfigError("--nproc inside a distributed run (WORLD_SIZE is set)");
      dist::launch_local(arguments_without_nproc(), args->nproc);
      std::printf("%d ranks finished; the run is in %s\n", args->nproc, args->out.c_str());
      return;
    }
    const auto config = config::load_config(args->file, args->overrides, config::segkit_schema());
    train::RunRequest request;
    request.run_dir = args->out;
    request.resume = args->resume;
    if (args->folds == "all") request.folds = train::all_folds(config);
    if (args->fold >= 0) request.folds = {args->fold};
    request.communicator = join_process_group();
    const auto results = train::train_from_config(config, std::filesystem::path(args->file).parent_path(), request);
    if (request.communicator && request.communicator->rank() != 0) return;
    for (const auto& result : results) {
      std::printf("fold %d: best %s %.4f at epoch %lld (%s)\n", result.fold, config.get<std::string>("train.monitor").c_str(),
                  result.state.best.value_or(0.0), static_cast<long long>(result.state.best_epoch),
                  result.dir.string().c_str());
    }
  });
}

}  // namespace segkit::cli
