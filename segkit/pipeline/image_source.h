#pragma once
// The images a command reads (`--input`): a folder of images (every image, sorted), or a config
// whose `data:` section names any dataset format of docs/data.md (then labels come along).

#include <filesystem>

#include "segkit/data/dataset.h"

namespace segkit::pipeline {

/// Throws IoError when `input` is neither a folder nor a .yaml/.yml file, ConfigError for a bad config.
data::DatasetPtr open_image_source(const std::filesystem::path& input);

}  // namespace segkit::pipeline
