#include "segkit/data/image_folder_dataset.h"

#include "segkit/core/error.h"
#include "segkit/data/mask_folder_dataset.h"
#include "segkit/io/image_io.h"

namespace segkit::data {

ImageFolderDataset::ImageFolderDataset(const std::filesystem::path& dir) : files_(list_images(dir)) {
  if (files_.empty()) throw DataError("no images in " + dir.string());
}

Sample ImageFolderDataset::get(size_t index) const {
  Sample sample;
  sample.id = id(index);
  sample.image = io::read_image(files_.at(index));
  return sample;
}

}  // namespace segkit::data
