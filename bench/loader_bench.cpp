// Data loader throughput (images/s) on Severstal-sized 256x1600 JPEGs with Kaggle RLE labels and
// a typical steel augmentation list (flips, ShiftScaleRotate, brightness/contrast, Normalize), batch 8:
//   segkit        DataLoader with 2 worker threads (decode + RLE + augment + collate, prefetching)
//   reference     the straightforward loop in one thread: dataset.get, the same pipeline, then a
//                 per-sample HWC->CHW tensor and torch::stack (what a first C++ port does)
//   python        bench/python/loader_reference.py, numpy + OpenCV (cv2.imread, the notebooks'
//                 rle2mask, the same operations, np.stack), when python3 has cv2 and numpy
// Run: make bench   (or build/bin/bench_loader)

#include <fmt/format.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "bench/timing.h"
#include "segkit/config/yaml_loader.h"
#include "segkit/core/atomic_file.h"
#include "segkit/data/dataset_factory.h"
#include "segkit/data/synth.h"
#include "segkit/loader/data_loader.h"
#include "segkit/nn/runtime.h"
#include "segkit/transforms/transform_registry.h"

namespace {

namespace fs = std::filesystem;
constexpr int kImages = 48;
constexpr int kBatch = 8;

constexpr const char* kAugment = R"(
- HorizontalFlip: {p: 0.5}
- VerticalFlip: {p: 0.5}
- ShiftScaleRotate: {shift_limit: 0.05, scale_limit: 0.1, rotate_limit: 10, p: 0.5}
- RandomBrightnessContrast: {p: 0.5}
- Normalize
)";

double epoch_seconds(const std::function<size_t()>& epoch) {
  const auto start = std::chrono::steady_clock::now();
  const size_t images = epoch();
  if (images != kImages) std::abort();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main() {
  segkit::nn::configure_threads(0);
  const fs::path dir = fs::temp_directory_path() / "segkit_bench_loader";
  fs::remove_all(dir);
  segkit::data::SynthOptions synth;
  synth.kind = segkit::data::SynthKind::kSteel;
  synth.count = kImages;
  synth.height = 256;
  synth.width = 1600;
  segkit::data::synthesize(synth, dir);
  const auto section = segkit::config::parse_yaml(segkit::read_file(dir / "data.yaml"), "data.yaml");
  auto dataset = segkit::data::build_dataset(section.value.at("data"), dir);
  auto pipeline = segkit::transforms::build_pipeline(segkit::config::parse_yaml(kAugment, "augment").value);

  segkit::loader::LoaderOptions options;
  options.batch_size = kBatch;
  options.workers = 2;
  options.shuffle = true;
  segkit::loader::DataLoader loader(dataset, pipeline, options);
  uint64_t epoch = 0;
  const double segkit_s = segkit::bench::median_seconds(
      [&] {
        epoch_seconds([&] {
          size_t images = 0;
          loader.start_epoch(epoch++);
          while (auto batch = loader.next()) images += static_cast<size_t>(batch->size());
          return images;
        });
      },
      5, 1);

  const double reference_s = segkit::bench::median_seconds(
      [&] {
        epoch_seconds([&] {
          size_t images = 0;
          for (size_t begin = 0; begin < dataset->size(); begin += kBatch) {
            std::vector<torch::Tensor> images_chw, masks_chw;
            for (size_t i = begin; i < std::min(dataset->size(), begin + kBatch); ++i) {
              auto sample = dataset->get(i);
              auto rng = segkit::transforms::Rng::for_sample(0, 0, i);
              (*pipeline)(sample, rng);
              images_chw.push_back(torch::from_blob(sample.image.data, {sample.image.rows, sample.image.cols, 3},
                                                    torch::kFloat32).permute({2, 0, 1}).clone());
              cv::Mat mask = sample.mask.clone();
              masks_chw.push_back(torch::from_blob(mask.data, {mask.rows, mask.cols, mask.channels()}, torch::kUInt8)
                                      .permute({2, 0, 1}).to(torch::kFloat32));
            }
            auto batch_images = torch::stack(images_chw);
            auto batch_masks = torch::stack(masks_chw);
            images += static_cast<size_t>(batch_images.size(0));
          }
          return images;
        });
      },
      5, 1);

  segkit::bench::print_header();
  std::printf("%-44s %9.1f im/s %9.1f im/s %7.2fx\n", "loader, 256x1600, batch 8 (2 workers vs 1 loop)",
              kImages / segkit_s, kImages / reference_s, reference_s / segkit_s);
  const std::string script = std::string(SEGKIT_SOURCE_DIR) + "/bench/python/loader_reference.py";
  // Debian's interpreter first: python3-opencv and python3-numpy install there, not into a pyenv.
  const std::string python = fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  const std::string command = fmt::format("{} {} {} {} 2>/dev/null", python, script, dir.string(), kBatch);
  if (FILE* pipe = popen(command.c_str(), "r")) {
    double python_images_per_s = 0;
    if (std::fscanf(pipe, "%lf", &python_images_per_s) == 1 && python_images_per_s > 0) {
      std::printf("%-44s %9.1f im/s %9.1f im/s %7.2fx\n", "loader vs Python numpy+OpenCV (1 process)",
                  kImages / segkit_s, python_images_per_s, (kImages / segkit_s) / python_images_per_s);
    } else {
      std::printf("(python3 with cv2 and numpy not found: no Python reference)\n");
    }
    pclose(pipe);
  }
  fs::remove_all(dir);
  return 0;
}
