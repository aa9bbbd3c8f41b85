// `segkit parity CASE.json [CASE.json ...]`: builds each case's model, fills it by segkit-fill-v1,
// compares names/shapes and outputs with SMP's reference; exits 1 when any case fails.

#include <iostream>
#include <memory>

#include "cli/commands/commands.h"
#include "segkit/core/error.h"
#include "segkit/models/parity.h"

namespace segkit::cli {

void add_parity_command(CLI::App& app) {
  auto cases = std::make_shared<std::vector<std::string>>();
  auto* parity = app.add_subcommand("parity", "Check numerical parity with segmentation_models_pytorch on case files");
  parity->add_option("cases", *cases, "case .json files (../shared/parity format)")->required()->check(CLI::ExistingFile);
  parity->callback([cases] {
    int failed = 0;
    for (const auto& file : *cases) {
      const auto report = models::run_parity_case(file);
      std::cout << report.summary();
      failed += report.passed() ? 0 : 1;
    }
    if (failed > 0) throw Error(std::to_string(failed) + " of " + std::to_string(cases->size()) + " parity case(s) failed");
  });
}

}  // namespace segkit::cli
