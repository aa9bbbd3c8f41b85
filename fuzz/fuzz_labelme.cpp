// libFuzzer target: a LabelMe JSON file (shapes, points, embedded imageData) read as a dataset sample.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>

#include "segkit/core/error.h"
#include "segkit/data/labelme_dataset.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto dir = [] {
    const auto path = std::filesystem::temp_directory_path() / ("segkit-fuzz-labelme-" + std::to_string(getpid()));
    std::filesystem::create_directories(path);
    return path;
  }();
  std::ofstream(dir / "sample.json", std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  try {
    segkit::data::LabelMeOptions options{dir, {"a", "b"}};
    const segkit::data::LabelMeDataset dataset(options);
    if (dataset.size() > 0) (void)dataset.get(0);
  } catch (const segkit::Error&) {
  }
  return 0;
}
