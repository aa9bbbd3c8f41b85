// `segkit config show CONFIG.yaml [key=value ...]`: the fully resolved config (includes, overrides,
// defaults) as YAML on stdout, after checking it the way `train` will use it. `segkit config check`:
// the same check, no output but a line. `segkit config keys`: every key with type, default and meaning.

#include <iostream>
#include <memory>

#include "cli/commands/commands.h"
#include "segkit/config/config.h"
#include "segkit/train/config_check.h"

namespace segkit::cli {
namespace {

struct ConfigArgs {
  std::string file;
  std::vector<std::string> overrides;
  bool schema_only = false;
};

config::Config load_and_check(const ConfigArgs& args) {
  auto resolved = config::load_config(args.file, args.overrides, config::segkit_schema());
  if (!args.schema_only) train::check_config(resolved, std::filesystem::path(args.file).parent_path());
  return resolved;
}

void add_config_options(CLI::App& command, ConfigArgs& args) {
  command.add_option("config", args.file, "YAML config file")->required()->check(CLI::ExistingFile);
  command.add_option("overrides", args.overrides, "dotted key=value overrides, e.g. train.batch_size=8");
  command.add_flag("--schema-only", args.schema_only,
                   "check keys, types and values only; skip building the dataset, augmentation, model, loss, "
                   "optimiser and schedule");
}

}  // namespace

void add_config_command(CLI::App& app) {
  auto* config = app.add_subcommand("config", "Inspect and check configuration files");
  config->require_subcommand(1);

  auto show_args = std::make_shared<ConfigArgs>();
  auto* show = config->add_subcommand("show", "Check a config, then print it fully resolved (includes, overrides, defaults)");
  add_config_options(*show, *show_args);
  show->callback([show_args] { std::cout << load_and_check(*show_args).to_yaml(); });

  auto check_args = std::make_shared<ConfigArgs>();
  auto* check = config->add_subcommand("check", "Check a config as `train` will use it: every key, the dataset, "
                                                "augmentation, model, loss, optimiser, schedule and precision");
  add_config_options(*check, *check_args);
  check->callback([check_args] {
    load_and_check(*check_args);
    std::cout << check_args->file << ": OK\n";
  });

  auto* keys = config->add_subcommand("keys", "List every config key with its type, default and meaning (Markdown)");
  keys->callback([] { std::cout << config::describe_markdown(config::segkit_schema()); });
}

}  // namespace segkit::cli
