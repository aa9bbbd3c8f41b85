// Data loader throughput (images/s) on Severstal-sized 256x1600 JPEGs with Kaggle RLE labels and
// a typical steel augmentation list (flips, ShiftScaleRotate, brightness/contrast, Normalize), batch 8:
//   segkit        DataLoader with 2 worker threads (decode + RLE + augment + collate, prefetching)
//   reference     the straightforward loop in one thread: dataset.get, the same pipeline, then a
//                 per-sample HWC->CHW tensor and torch::stack (what a first C++ port does)
//   python        bench/python/loader_reference.py, numpy + OpenCV (cv2.imread, the notebooks'
//                 rle2mask, the same operations) in a torch DataLoader with 2 worker processes,
//                 and in one process
// Run: make bench   (or build/bin/bench_loader)

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "bench/machine_header.h"
#include "bench/python_reference.h"
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
  segkit::bench::print_machine();
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
  // Python as its users run it: a torch DataLoader with two worker processes (restarted each epoch, the
  // default), and the same work in the calling process for the per-core comparison.
  const std::string arguments = dir.string() + " " + std::to_string(kBatch) + " --json";
  for (const auto& [workers, label] : std::vector<std::pair<int, std::string>>{
           {2, "loader vs Python DataLoader(num_workers=2)"}, {0, "loader vs Python in one process"}}) {
    const auto python = segkit::bench::run_python("loader_reference.py", arguments + " --workers " + std::to_string(workers));
    if (!python) continue;
    const double python_ips = python->at("images_per_s").get<double>();
    std::printf("%-44s %9.1f im/s %9.1f im/s %7.2fx\n", label.c_str(), kImages / segkit_s, python_ips,
                (kImages / segkit_s) / python_ips);
  }
  fs::remove_all(dir);
  return 0;
}
