// `segkit prepare CONFIG --size HxW -o DIR [key=value ...]`: decodes the config's dataset once,
// resizes it, and writes a prepared copy that `data: {format: prepared, dir: DIR}` reads.

#include <cstdio>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/size_option.h"
#include "segkit/config/config.h"
#include "segkit/core/logging.h"
#include "segkit/data/dataset_factory.h"
#include "segkit/data/prepared_dataset.h"

namespace segkit::cli {

void add_prepare_command(CLI::App& app) {
  struct Args {
    std::string file;
    std::string size;
    std::string output;
    std::string interpolation = "area";
    std::vector<std::string> overrides;
  };
  auto args = std::make_shared<Args>();
  auto* prepare = app.add_subcommand("prepare", "Write a decoded, resized copy of a config's dataset");
  prepare->add_option("config", args->file, "YAML config file")->required()->check(CLI::ExistingFile);
  prepare->add_option("overrides", args->overrides, "dotted key=value overrides");
  prepare->add_option("--size", args->size, "target size HxW, e.g. 384x576 (default: keep the size)")
      ->check(size_validator());
  prepare->add_option("-o,--out", args->output, "output folder")->required();
  prepare->add_option("--interpolation", args->interpolation, "image resampling: nearest, linear, cubic, area, lanczos")
      ->capture_default_str();
  prepare->callback([args] {
    const auto config = config::load_config(args->file, args->overrides, config::segkit_schema());
    const auto dataset = data::build_dataset(config.at("data"), std::filesystem::path(args->file).parent_path());
    data::PrepareOptions options;
    if (!args->size.empty()) parse_size(args->size, options.height, options.width);
    options.interpolation = args->interpolation;
    const size_t written = data::prepare_dataset(*dataset, args->output, options);
    std::printf("prepared %zu images in %s\n", written, args->output.c_str());
    log::info("use it with  data: {{format: prepared, dir: {}}}", args->output);
  });
}

}  // namespace segkit::cli
