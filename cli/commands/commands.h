#pragma once
// One function per subcommand: it declares the subcommand's options on `app` and sets a callback that
// parses nothing else, calls the library and prints. Errors propagate as segkit::Error to main().

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace segkit::cli {

/// The process's own command line (argv), for commands that start copies of the program.
void set_command_line(std::vector<std::string> arguments);
const std::vector<std::string>& command_line();

void add_config_command(CLI::App& app);
void add_inspect_command(CLI::App& app);
void add_models_command(CLI::App& app);
void add_parity_command(CLI::App& app);
void add_rle_command(CLI::App& app);
void add_folds_command(CLI::App& app);
void add_prepare_command(CLI::App& app);
void add_train_command(CLI::App& app);
void add_predict_command(CLI::App& app);
void add_ensemble_command(CLI::App& app);
void add_pseudo_label_command(CLI::App& app);
void add_synth_command(CLI::App& app);
void add_submit_command(CLI::App& app);
void add_evaluate_command(CLI::App& app);
void add_tune_command(CLI::App& app);
void add_lr_find_command(CLI::App& app);
void add_doctor_command(CLI::App& app);
void add_export_command(CLI::App& app);

}  // namespace segkit::cli
