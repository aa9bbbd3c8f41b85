// `segkit doctor`: what this machine gives LibTorch (CPU, instruction sets, the ISA oneDNN and ATen
// dispatch to, threads, BLAS, allocator, CUDA) and the precision `auto` picks; --json for scripts.

#include <iostream>
#include <memory>

#include "cli/commands/commands.h"
#include "segkit/nn/machine.h"

namespace segkit::cli {

void add_doctor_command(CLI::App& app) {
  auto json_output = std::make_shared<bool>(false);
  auto* doctor = app.add_subcommand("doctor", "Show the CPU, instruction sets, kernels, BLAS, allocator and CUDA "
                                              "LibTorch will use, and what precision auto picks");
  doctor->add_flag("--json", *json_output, "Print one JSON object instead of text");
  doctor->callback([json_output] {
    const auto report = nn::machine_report();
    std::cout << (*json_output ? nn::to_json(report).dump(2) + "\n" : nn::to_text(report));
  });
}

}  // namespace segkit::cli
