// `segkit synth --kind K OUT_DIR`: writes a small synthetic dataset in a Kaggle competition's file
// layout plus OUT_DIR/data.yaml (segkit/data/synth.h, docs/data.md).

#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/size_option.h"
#include "segkit/core/error.h"
#include "segkit/core/logging.h"
#include "segkit/data/synth.h"

namespace segkit::cli {

void add_synth_command(CLI::App& app) {
  struct Args {
    std::string kind;
    std::string size;
    double empty_fraction = -1.0;  // negative: the kind's default
    bool force = false;
    std::string out_dir;
    data::SynthOptions options;
  };
  auto args = std::make_shared<Args>();
  auto* synth = app.add_subcommand("synth", "Write a small synthetic dataset in a Kaggle competition's file format");
  synth->add_option("--kind", args->kind, "steel, clouds, pneumo or buildings")->required();
  synth->add_option("--count", args->options.count, "Number of images")->capture_default_str()->check(CLI::PositiveNumber);
  synth->add_option("--size", args->size, "HxW, e.g. 128x800 (default: the kind's, see docs/data.md)")
      ->check(size_validator());
  synth->add_option("--seed", args->options.seed, "Random seed (same seed, same files)")->capture_default_str();
  synth->add_option("--empty-fraction", args->empty_fraction, "Share of images without any mask (default: the kind's)")
      ->check(CLI::Range(0.0, 1.0));
  synth->add_flag("--force", args->force, "Write into a non-empty OUT_DIR (files of the same names are replaced)");
  synth->add_option("out_dir", args->out_dir, "Output folder")->required();
  synth->callback([args] {
    auto options = args->options;
    options.kind = data::parse_synth_kind(args->kind);
    if (!args->size.empty()) parse_size(args->size, options.height, options.width);  // checked by the validator
    if (args->empty_fraction >= 0.0) options.empty_fraction = args->empty_fraction;
    const std::filesystem::path out(args->out_dir);
    if (!args->force && std::filesystem::is_directory(out) && !std::filesystem::is_empty(out)) {
      throw ConfigError(out.string() + " is not empty; pick another folder or pass --force");
    }
    const auto summary = data::synthesize(options, out);
    for (size_t c = 0; c < summary.classes.size(); ++c) {
      std::printf("class %s: %zu of %zu images\n", summary.classes[c].c_str(), summary.positives[c], summary.images);
    }
    log::info("wrote {} {} images ({} without masks) and {}", summary.images, args->kind, summary.empty_images,
              summary.config.string());
  });
}

}  // namespace segkit::cli
