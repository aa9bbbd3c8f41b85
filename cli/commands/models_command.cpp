// `segkit models`: every architecture, and every encoder with its parameter count and the channels of
// its features (depth 5, 3 input channels).
// `segkit models show arch=unet encoder_name=resnet34 classes=4 ...`: the state_dict of that model,
// one `name<TAB>[shape]<TAB>numel` line per entry in Python's order (the format of the parity
// `.params.txt` files), to diff against `for k, v in model.state_dict().items()` in Python.
// `segkit models init CONFIG [key=value ...] --out DIR [--fold K]`: the weights `segkit train` starts
// that fold from, as an SMP hub folder (a Python run from the same start: bench/learning).

#include <cstdio>
#include <memory>

#include "cli/commands/commands.h"
#include "segkit/config/config.h"
#include "segkit/config/config_loader.h"
#include "segkit/core/strings.h"
#include "segkit/encoders/encoder_registry.h"
#include "segkit/models/model_registry.h"
#include "segkit/nn/state_dict.h"
#include "segkit/train/train_run.h"

namespace segkit::cli {
namespace {

void print_registry() {
  std::printf("architectures:\n");
  for (const auto& spec : models::model_specs()) std::printf("  %-14s %s\n", spec.name.c_str(), spec.class_name.c_str());
  std::printf("\nencoders:\n  %-20s %-18s %12s  %s\n", "name", "family", "parameters", "feature channels");
  for (const auto& spec : encoders::encoder_specs()) {
    const auto encoder = spec.build(5);
    int64_t parameters = 0;
    for (const auto& p : encoder->parameters()) parameters += p.numel();
    std::vector<std::string> channels;
    for (int64_t c : spec.out_channels) channels.push_back(std::to_string(c));
    std::printf("  %-20s %-18s %12lld  [%s]\n", spec.name.c_str(), spec.family.c_str(),
                static_cast<long long>(parameters), join(channels, ", ").c_str());
  }
}

void print_state_dict(const std::vector<std::string>& arguments) {
  config::YamlDocument document{config::json::object(), {}};
  for (const auto& argument : arguments) config::apply_override(document, argument);
  const auto model = models::create_model(document.value);
  int64_t parameters = 0;
  for (const auto& p : model->parameters()) parameters += p.numel();
  const auto entries = nn::state_dict(*model);
  for (const auto& [name, tensor] : entries) {
    std::vector<std::string> dims;
    for (int64_t dim : tensor.sizes()) dims.push_back(std::to_string(dim));
    std::printf("%s\t[%s]\t%lld\n", name.c_str(), join(dims, ",").c_str(), static_cast<long long>(tensor.numel()));
  }
  std::fprintf(stderr, "%s: %zu state_dict entries, %lld parameters\n", model->arch().c_str(), entries.size(),
               static_cast<long long>(parameters));
}

}  // namespace

void add_models_command(CLI::App& app) {
  auto* models_cmd = app.add_subcommand("models", "List architectures and encoders (parameters, feature channels)");
  auto arguments = std::make_shared<std::vector<std::string>>();
  auto* show = models_cmd->add_subcommand("show", "Print the state_dict (names, shapes) of one model");
  show->add_option("arguments", *arguments, "constructor arguments as key=value, e.g. arch=unet classes=4")
      ->required();
  show->callback([arguments] { print_state_dict(*arguments); });
  struct InitArgs {
    std::string file, out;
    std::vector<std::string> overrides;
    int fold = 0;
  };
  auto init_args = std::make_shared<InitArgs>();
  auto* init = models_cmd->add_subcommand("init", "Write the initial weights a training fold starts from (SMP hub folder)");
  init->add_option("config", init_args->file, "YAML config file")->required()->check(CLI::ExistingFile);
  init->add_option("overrides", init_args->overrides, "dotted key=value overrides");
  init->add_option("--out", init_args->out, "folder for config.json and model.safetensors")->required();
  init->add_option("--fold", init_args->fold, "fold (its seed is seed + fold)")->capture_default_str();
  init->callback([init_args] {
    const auto config = config::load_config(init_args->file, init_args->overrides, config::segkit_schema());
    train::save_initial_model(config, std::filesystem::path(init_args->file).parent_path(), init_args->fold, init_args->out);
    std::printf("initial weights of fold %d -> %s\n", init_args->fold, init_args->out.c_str());
  });
  models_cmd->callback([models_cmd] {
    if (models_cmd->get_subcommands().empty()) print_registry();
  });
}

}  // namespace segkit::cli
