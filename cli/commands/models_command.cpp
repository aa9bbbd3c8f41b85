// `segkit models`: every architecture, and every encoder with its parameter count and the channels of
// its features (depth 5, 3 input channels).

#include <cstdio>

#include "cli/commands/commands.h"
#include "segkit/core/strings.h"
#include "segkit/encoders/encoder_registry.h"
#include "segkit/models/model_registry.h"

namespace segkit::cli {

void add_models_command(CLI::App& app) {
  auto* models_cmd = app.add_subcommand("models", "List architectures and encoders (parameters, feature channels)");
  models_cmd->callback([] {
    std::printf("architectures:\n");
    for (const auto& spec : models::model_specs()) std::printf("  %-14s %s\n", spec.name.c_str(), spec.class_name.c_str());
    std::printf("\nencoders:\n  %-20s %-13s %12s  %s\n", "name", "family", "parameters", "feature channels");
    for (const auto& spec : encoders::encoder_specs()) {
      const auto encoder = spec.build(5);
      int64_t parameters = 0;
      for (const auto& p : encoder->parameters()) parameters += p.numel();
      std::vector<std::string> channels;
      for (int64_t c : spec.out_channels) channels.push_back(std::to_string(c));
      std::printf("  %-20s %-13s %12lld  [%s]\n", spec.name.c_str(), spec.family.c_str(),
                  static_cast<long long>(parameters), join(channels, ", ").c_str());
    }
  });
}

}  // namespace segkit::cli
