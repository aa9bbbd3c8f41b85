// One training step of Unet-ResNet34 (4 classes) at batch 4: forward, BCE-Dice, backward, Adam, as
// segkit's Trainer does it (NCHW, channels-last: `train.channels_last`, and bf16 autocast:
// `train.precision: bf16`), against the same step in Python PyTorch eager
// (bench/python/model_reference.py train), as users run it and tuned, and tuned with torch.autocast
// for the bf16 row. Both start from the weights segkit exported and the same batch; their first
// losses must agree.
// Then whole training epochs over the ISBI 2012 slices in ../shared (loader with two workers, the
// augmentation of configs/isbi_unet.yaml, batch 4) against bench/python/epoch_reference.py
// (DataLoader(num_workers=2) + OpenCV augmentation), and the peak RSS of a fresh process training.
// Run: make bench   (or build/bin/bench_train [threads])

#include <torch/torch.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <tuple>
#include <vector>

#include "bench/machine_header.h"
#include "bench/child_process.h"
#include "bench/python_reference.h"
#include "bench/raw_floats.h"
#include "bench/timing.h"
#include "segkit/config/yaml_loader.h"
#include "segkit/data/dataset_factory.h"
#include "segkit/loader/data_loader.h"
#include "segkit/losses/loss_registry.h"
#include "segkit/models/hub_format.h"
#include "segkit/models/model_registry.h"
#include "segkit/models/parity.h"
#include "segkit/nn/mixed_precision.h"
#include "segkit/nn/runtime.h"
#include "segkit/transforms/transform_registry.h"

namespace fs = std::filesystem;
using segkit::bench::PythonFlavour;

namespace {

constexpr int64_t kBatch = 4;

segkit::models::SegmentationModel make_model(bool channels_last, int in_channels = 3, int classes = 4) {
  auto model = segkit::models::create_model(
      {{"arch", "unet"}, {"encoder_name", "resnet34"}, {"classes", classes}, {"in_channels", in_channels}});
  segkit::models::fill_segkit_v1(*model);
  if (channels_last) model->use_channels_last();
  model->train();
  return model;
}

/// Smooth blobs (some images empty in some classes), like defect and cloud masks.
torch::Tensor make_targets(int64_t height, int64_t width) {
  torch::manual_seed(1);
  const auto coarse = torch::rand({kBatch, 4, height / 32 + 2, width / 32 + 2});
  namespace F = torch::nn::functional;
  const auto smooth = F::interpolate(
      coarse, F::InterpolateFuncOptions().size(std::vector<int64_t>{height, width}).mode(torch::kBilinear).align_corners(false));
  return (smooth > 0.65).to(torch::kFloat);
}

using segkit::nn::Precision;

struct Step {
  segkit::models::SegmentationModel model;
  segkit::losses::LossPtr loss = segkit::losses::build_loss({{"name", "bce_dice"}});
  torch::optim::Adam optimizer;
  Precision precision;
  explicit Step(bool channels_last, Precision precision = Precision::kFloat32, int in_channels = 3, int classes = 4)
      : model(make_model(channels_last, in_channels, classes)),
        optimizer(model->parameters(), torch::optim::AdamOptions(1e-4)),
        precision(precision) {}
  double operator()(const torch::Tensor& images, const torch::Tensor& masks) {
    torch::Tensor logits;
    {
      segkit::nn::AutocastScope autocast(precision, torch::Device(torch::kCPU));
      logits = model->forward_with_aux(images, false).masks;
    }
    const auto value = loss->forward(logits.to(torch::kFloat), masks);
    const double loss_value = value.item<double>();
    value.backward();
    optimizer.step();
    optimizer.zero_grad();
    return loss_value;
  }
};

constexpr const char* kIsbi = R"(
data:
  format: mask_folder
  image_dir: images
  mask_dir: labels
  mask_mode: index
  class_values: [0, 255]
  classes: [membrane, cell]
augment:
  - RandomCrop: {height: 256, width: 256}
  - HorizontalFlip: {p: 0.5}
  - VerticalFlip: {p: 0.5}
  - RandomRotate90: {p: 0.5}
  - RandomBrightnessContrast: {brightness_limit: 0.1, contrast_limit: 0.1, p: 0.5}
  - Normalize: {mean: [0.5], std: [0.25]}
)";

void bench_epochs(int threads, bool bf16) {
  const char* shared = std::getenv("SEGKIT_SHARED_DIR");
  const fs::path isbi = fs::path(shared ? shared : SEGKIT_SOURCE_DIR "/../shared") / "data/isbi2012_em_membranes";
  if (!fs::exists(isbi / "images")) {
    std::printf("\n(no %s: the epoch comparison needs ../shared or SEGKIT_SHARED_DIR)\n", isbi.c_str());
    return;
  }
  const auto config = segkit::config::parse_yaml(kIsbi, "isbi").value;
  auto dataset = segkit::data::build_dataset(config.at("data"), isbi);
  segkit::loader::LoaderOptions options;
  options.batch_size = kBatch;
  options.workers = 2;
  options.shuffle = true;
  segkit::loader::DataLoader loader(dataset, segkit::transforms::build_pipeline(config.at("augment")), options);
  uint64_t epoch = 0;
  const auto epoch_seconds = [&](Precision precision) {
    Step step(true, precision, 1, 2);
    return segkit::bench::median_seconds(
        [&] {
          loader.start_epoch(epoch++);
          while (auto batch = loader.next()) step(batch->images, batch->masks);
        },
        3, 1);
  };
  const double segkit_s = epoch_seconds(Precision::kFloat32);
  const double segkit_bf16_s = bf16 ? epoch_seconds(Precision::kBFloat16) : 0;
  const fs::path dir = fs::temp_directory_path() / ("segkit_bench_epoch_" + std::to_string(getpid()));
  segkit::models::save_pretrained(*make_model(false, 1, 2), dir);
  const std::string args = "--model " + dir.string() + " --data " + isbi.string() + " --epochs 3 --batch 4 --workers 2" +
                           " --threads " + std::to_string(threads);
  const auto python = segkit::bench::run_python("epoch_reference.py", args);
  const auto tuned = segkit::bench::run_python("epoch_reference.py", args, PythonFlavour::kTuned);
  fs::remove_all(dir);
  const double python_s = python ? python->at("median_epoch_s").get<double>() : 0;
  const double tuned_s = tuned ? tuned->at("median_epoch_s").get<double>() : 0;
  std::printf("\n%-28s %10s %10s %10s %9s %9s\n", "epoch, ISBI 22 x 256 crops", "segkit s", "python s", "tuned s",
              "x python", "x tuned");
  std::printf("%-28s %10.2f %10.2f %10.2f %8.2fx %8.2fx\n", "loader + augment + train, b4", segkit_s, python_s,
              tuned_s, python_s / segkit_s, tuned_s / segkit_s);
  if (bf16) {
    std::printf("%-28s %10.2f %10.2f %10.2f %8.2fx %8.2fx\n", "  the same, bf16 autocast", segkit_bf16_s, python_s,
                tuned_s, python_s / segkit_bf16_s, tuned_s / segkit_bf16_s);
  }
}

int run_child(int64_t height, int64_t width, Precision precision) {
  Step step(true, precision);
  const auto images = torch::randn({kBatch, 3, height, width});
  const auto masks = make_targets(height, width);
  for (int i = 0; i < 3; ++i) step(images, masks);
  segkit::bench::report_peak_rss();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // As `segkit train` does for bf16 on AMX CPUs (nn/machine.h), for segkit and the Python references
  // alike: oneDNN 2.6's AMX kernels take minutes per 256x1600 bf16 step.
  if (argc < 5 && segkit::nn::expected_onednn_isa() == 0x3e7 && std::getenv("ONEDNN_MAX_CPU_ISA") == nullptr) {
    setenv("ONEDNN_MAX_CPU_ISA", "AVX512_CORE_BF16", 1);
    std::printf("ONEDNN_MAX_CPU_ISA=AVX512_CORE_BF16 (AMX CPU, as segkit train holds bf16 training)\n");
  }
  if (argc == 5 && std::string(argv[1]) == "--child") {
    segkit::nn::configure_threads(0);
    return run_child(std::atoll(argv[2]), std::atoll(argv[3]), segkit::nn::parse_precision(argv[4], "--child"));
  }
  const int threads = segkit::nn::configure_threads(argc > 1 ? std::atoi(argv[1]) : 0);
  segkit::bench::print_machine();
  const bool bf16_rows = segkit::bench::measure_bf16();
  const fs::path dir = fs::temp_directory_path() / ("segkit_bench_train_" + std::to_string(getpid()));
  segkit::models::save_pretrained(*make_model(false), dir);

  std::printf("\n%-28s %10s %10s %10s %9s %9s %10s\n", "case (ms per step)", "segkit", "python", "tuned py",
              "x python", "x tuned", "1st loss");
  for (const auto& [height, width] : std::vector<std::pair<int64_t, int64_t>>{{256, 256}, {256, 1600}}) {
    torch::manual_seed(0);
    const auto images = torch::randn({kBatch, 3, height, width});
    const auto masks = make_targets(height, width);
    segkit::bench::write_floats(dir / "images.bin", images);
    segkit::bench::write_floats(dir / "masks.bin", masks);
    const int repetitions = width > 1000 ? 5 : 9;
    const std::string args = "train --model " + dir.string() + " --height " + std::to_string(height) + " --width " +
                             std::to_string(width) + " --batch 4 --reps " + std::to_string(repetitions) +
                             " --threads " + std::to_string(threads) + " --input " + (dir / "images.bin").string() +
                             " --target " + (dir / "masks.bin").string();
    const auto python = segkit::bench::run_python("model_reference.py", args);
    const auto tuned = segkit::bench::run_python("model_reference.py", args, PythonFlavour::kTuned);
    const double python_s = python ? python->at("median_s").get<double>() : 0;
    const double tuned_s = tuned ? tuned->at("median_s").get<double>() : 0;
    const std::string size = std::to_string(height) + "x" + std::to_string(width) + " b4";
    for (const auto& [name, channels_last, precision] : std::vector<std::tuple<std::string, bool, Precision>>{
             {" NCHW", false, Precision::kFloat32},
             {" channels-last", true, Precision::kFloat32},
             {" CL bf16", true, Precision::kBFloat16}}) {
      if (precision == Precision::kBFloat16 && !bf16_rows) continue;
      Step step(channels_last, precision);
      const double first_loss = step(images, masks);
      const double seconds = segkit::bench::median_seconds([&] { step(images, masks); }, repetitions, 1);
      std::printf("%-28s %10.1f %10.1f %10.1f %8.2fx %8.2fx %10.6f\n", (size + name).c_str(), seconds * 1e3,
                  python_s * 1e3, tuned_s * 1e3, python_s / seconds, tuned_s / seconds, first_loss);
      if (precision == Precision::kBFloat16) {
        // Python can autocast too: the like-for-like figure beside the fp32 targets.
        const auto tuned_bf16 = segkit::bench::run_python("model_reference.py", args + " --bf16", PythonFlavour::kTuned);
        if (tuned_bf16) {
          const double bf16_s = tuned_bf16->at("median_s").get<double>();
          std::printf("%-28s tuned Python with torch.autocast bf16: %.1f ms (%.2fx), first loss %.6f\n", "",
                      bf16_s * 1e3, bf16_s / seconds, tuned_bf16->at("first_loss").get<double>());
        }
      }
    }
    if (python) std::printf("%-28s python's first loss %.6f\n", "", python->at("first_loss").get<double>());
  }

  bench_epochs(threads, bf16_rows);

  for (const std::string precision : {"fp32", "bf16"}) {
    if (precision == "bf16" && !bf16_rows) continue;
    const double segkit_rss = segkit::bench::child_peak_rss_mb({"--child", "256", "1600", precision});
    segkit::bench::print_peak_rss("3 training steps 256x1600 b4 " + precision, segkit_rss, "model_reference.py",
                                  "train --model " + dir.string() +
                                      " --height 256 --width 1600 --batch 4 --reps 3 --warmup 0" +
                                      (precision == "bf16" ? " --bf16" : ""));
  }
  fs::remove_all(dir);
}
