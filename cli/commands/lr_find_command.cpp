// `segkit lr-find CONFIG [key=value ...] --out DIR [--start 1e-7] [--end 10] [--steps 100]`: fastai's
// learning-rate finder on the config's training data and model (docs/training.md, "Learning-rate
// finder"): lr_find.csv and lr_find.html in DIR, the suggested rate printed.

#include <cstdio>
#include <memory>

#include "cli/commands/commands.h"
#include "segkit/config/config.h"
#include "segkit/train/lr_finder.h"

namespace segkit::cli {

void add_lr_find_command(CLI::App& app) {
  struct Args {
    std::string file, out;
    std::vector<std::string> overrides;
    train::LrFindOptions options;
  };
  auto args = std::make_shared<Args>();
  auto* command = app.add_subcommand("lr-find", "Loss against an exponentially growing learning rate; a suggested rate");
  command->add_option("config", args->file, "YAML config file")->required()->check(CLI::ExistingFile);
  command->add_option("overrides", args->overrides, "dotted key=value overrides");
  command->add_option("--out", args->out, "folder for lr_find.csv and lr_find.html")->required();
  command->add_option("--start", args->options.start_lr, "first learning rate")->capture_default_str();
  command->add_option("--end", args->options.end_lr, "last learning rate")->capture_default_str();
  command->add_option("--steps", args->options.steps, "training steps (batches)")->capture_default_str();
  command->callback([args] {
    const auto config = config::load_config(args->file, args->overrides, config::segkit_schema());
    const auto result = train::find_lr(config, std::filesystem::path(args->file).parent_path(), args->options);
    train::write_lr_find(args->out, result);
    std::printf("suggested learning rate %.3g (steepest descent; minimum / 10: %.3g) over %zu steps%s -> %s\n",
                result.suggested_lr, result.minimum_lr, result.points.size(),
                result.diverged ? ", stopped at divergence" : "", (std::filesystem::path(args->out) / "lr_find.html").c_str());
  });
}

}  // namespace segkit::cli
