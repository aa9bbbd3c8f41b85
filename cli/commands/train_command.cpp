// `segkit train CONFIG [key=value ...] [--out RUN_DIR] [--fold K | --folds all] [--resume]`: trains the
// config's model on its dataset, fold by fold (docs/training.md).

#include <cstdio>
#include <memory>

#include "cli/commands/commands.h"
#include "segkit/config/config.h"
#include "segkit/train/train_run.h"

namespace segkit::cli {

void add_train_command(CLI::App& app) {
  struct Args {
    std::string file;
    std::vector<std::string> overrides;
    std::string out = "runs/train";
    int fold = -1;
    std::string folds;
    bool resume = false;
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
  train->callback([args] {
    const auto config = config::load_config(args->file, args->overrides, config::segkit_schema());
    train::RunRequest request;
    request.run_dir = args->out;
    request.resume = args->resume;
    if (args->folds == "all") request.folds = train::all_folds(config);
    if (args->fold >= 0) request.folds = {args->fold};
    const auto results = train::train_from_config(config, std::filesystem::path(args->file).parent_path(), request);
    for (const auto& result : results) {
      std::printf("fold %d: best %s %.4f at epoch %lld (%s)\n", result.fold, config.get<std::string>("train.monitor").c_str(),
                  result.state.best.value_or(0.0), static_cast<long long>(result.state.best_epoch),
                  result.dir.string().c_str());
    }
  });
}

}  // namespace segkit::cli
