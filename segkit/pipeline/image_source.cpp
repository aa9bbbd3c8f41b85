#include "segkit/pipeline/image_source.h"

#include <fmt/format.h>

#include "segkit/config/config.h"
#include "segkit/core/error.h"
#include "segkit/data/dataset_factory.h"
#include "segkit/data/image_folder_dataset.h"

namespace segkit::pipeline {

data::DatasetPtr open_image_source(const std::filesystem::path& input) {
  const auto extension = input.extension().string();
  if (extension == ".yaml" || extension == ".yml") {
    const auto config = config::load_config(input, {}, config::segkit_schema());
    return data::build_dataset(config.at("data"), input.parent_path());
  }
  if (!std::filesystem::is_directory(input)) {
    throw IoError(fmt::format("{}: not an image folder or a .yaml config", input.string()));
  }
  return std::make_shared<data::ImageFolderDataset>(input);
}

}  // namespace segkit::pipeline
