// `segkit config show CONFIG.yaml [key=value ...]`: the fully resolved config (includes, overrides,
// defaults) as YAML on stdout. `segkit config keys`: every key with type, default and meaning.

#include <iostream>
#include <memory>

#include "cli/commands/commands.h"
#include "segkit/config/config.h"

namespace segkit::cli {

void add_config_command(CLI::App& app) {
  auto* config = app.add_subcommand("config", "Inspect configuration files");
  config->require_subcommand(1);

  struct ShowArgs {
    std::string file;
    std::vector<std::string> overrides;
  };
  auto args = std::make_shared<ShowArgs>();
  auto* show = config->add_subcommand("show", "Print the fully resolved config (includes, overrides, defaults)");
  show->add_option("config", args->file, "YAML config file")->required()->check(CLI::ExistingFile);
  show->add_option("overrides", args->overrides, "dotted key=value overrides, e.g. train.batch_size=8");
  show->callback([args] {
    auto resolved = config::load_config(args->file, args->overrides, config::segkit_schema());
    std::cout << resolved.to_yaml();
  });

  auto* keys = config->add_subcommand("keys", "List every config key with its type, default and meaning (Markdown)");
  keys->callback([] { std::cout << config::describe_markdown(config::segkit_schema()); });
}

}  // namespace segkit::cli
