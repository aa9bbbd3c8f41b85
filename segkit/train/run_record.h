#pragma once
// RUN_DIR/run_info.json: what reproducing a training run needs besides its config.yaml - the
// versions (segkit, the source revision it was configured from, LibTorch, OpenCV), the seed, threads
// and device, and fingerprints of the data: every file the config's data sections name is hashed
// (CSV, label files, folds file: 64-bit FNV-1a of the bytes), every folder by its listing (names and
// sizes, not contents, so a 100k-image folder costs a directory walk).
//
//   write_run_record(config, "configs/", "runs/steel");

#include <filesystem>

#include "segkit/config/config_loader.h"

namespace segkit::train {

/// Writes RUN_DIR/run_info.json atomically. Throws IoError.
void write_run_record(const config::Config& config, const std::filesystem::path& config_dir,
                      const std::filesystem::path& run_dir);

}  // namespace segkit::train
