#pragma once
// Builds a Dataset from a config section (docs/data.md has one example per format):
//
//   data:
//     format: rle_csv            # rle_csv | mask_folder | labelme | image_folder
//     csv: train.csv
//     image_dir: train_images
//     classes: ["1", "2", "3", "4"]
//
// Relative paths are taken relative to `base_dir` (the config file's folder). Unknown keys for the
// chosen format are ConfigErrors naming the closest valid key.

#include <filesystem>

#include <nlohmann/json.hpp>

#include "segkit/data/dataset.h"

namespace segkit::data {

DatasetPtr build_dataset(const nlohmann::ordered_json& section, const std::filesystem::path& base_dir = {});

}  // namespace segkit::data
