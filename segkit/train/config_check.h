#pragma once
// A config checked the way `segkit train` will use it, before anything is written or trained: the
// dataset (paths, columns, classes), both augmentation lists, model (architecture arguments, encoder
// name and weights file), loss, optimiser, schedule and precision are each built once. Errors carry
// the file:line of the key that caused them, as the schema's own do.
//
//   auto config = segkit::config::load_config("configs/steel.yaml", {}, segkit::config::segkit_schema());
//   segkit::train::check_config(config, "configs");   // throws ConfigError / DataError / IoError

#include <filesystem>
#include <functional>
#include <string>

#include "segkit/config/config_loader.h"
#include "segkit/data/dataset.h"

namespace segkit::train {

/// Builds the dataset from `config_dir`-relative paths (when the config has a data section: a config
/// meant to be included by others may not), then everything check_training_setup() does.
void check_config(const config::Config& config, const std::filesystem::path& config_dir);

/// Augmentation, model, loss, optimiser, schedule and precision for `dataset` (nullptr: the model as
/// the config states it); train_from_config runs this before it writes anything. The precision check
/// is nn::training_precision, so bf16 on an AMX CPU also holds oneDNN below AMX here, before the
/// run's first convolution and before run_info.json asks oneDNN for its ISA.
void check_training_setup(const config::Config& config, const data::Dataset* dataset);

/// Runs `build` and gives a ConfigError from it the location of the key in `section` it is about:
/// the deepest written key whose name (or list index, as `augment.train[2]`) the message mentions,
/// else the section itself. Messages that already start with a location are left alone.
void with_config_location(const config::Config& config, const std::string& section, const std::function<void()>& build);

/// with_config_location's rewrite of one message (exposed for tests).
std::string locate_message(const config::Config& config, const std::string& section, const std::string& message);

}  // namespace segkit::train
