// Unet-ResNet34 (4 classes) inference throughput at the steel (256x1600) and clouds (384x576) sizes,
// batch 1 and 4: segkit's fastest path (BatchNorm folded, channels-last, inference mode; and the same
// in bfloat16) against the same network in Python PyTorch eager (bench/python/model_reference.py:
// torchvision's resnet34 + SMP's Unet decoder, loading the weights segkit exported), as users run it
// and tuned. Also the machine's measured peak, the model's GFLOP/s against it, and peak memory.
// Then Unet-ConvNeXt-tiny and Segformer-MiT-b2 the same way (bench_newer_architectures).
// Run: make bench   (or build/bin/bench_model [threads]; build/bin/bench_model newer [threads])

#include <torch/torch.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "bench/child_process.h"
#include "bench/machine_header.h"
#include "bench/machine_peak.h"
#include "bench/python_reference.h"
#include "bench/raw_floats.h"
#include "bench/timing.h"
#include "segkit/models/hub_format.h"
#include "segkit/models/inference_copy.h"
#include "segkit/models/model_registry.h"
#include "segkit/models/parity.h"
#include "segkit/nn/runtime.h"

namespace fs = std::filesystem;
using segkit::bench::PythonFlavour;

namespace {

struct Case {
  int64_t height, width, batch;
};

segkit::models::SegmentationModel make_model() {
  auto model = segkit::models::create_model({{"arch", "unet"}, {"encoder_name", "resnet34"}, {"classes", 4}});
  segkit::models::fill_segkit_v1(*model);
  model->eval();
  return model;
}

/// Both sides must compute the same function before their speeds mean anything.
void check_same_outputs(segkit::models::SegmentationModel& fast, const fs::path& dir) {
  const auto input = torch::randn({1, 3, 64, 96});
  segkit::bench::write_floats(dir / "input.bin", input);
  const auto reply = segkit::bench::run_python(
      "model_reference.py", "infer --model " + dir.string() + " --height 64 --width 96 --batch 1 --reps 1 --input " +
                                (dir / "input.bin").string() + " --output " + (dir / "output.bin").string());
  if (!reply) return;
  const auto ours = fast->predict(input);
  const auto theirs = segkit::bench::read_floats(dir / "output.bin", ours.sizes());
  const double difference = (ours - theirs).abs().max().item<double>();
  std::printf("outputs checked: max |segkit - python| = %.2e (max |logit| %.2f)\n", difference,
              theirs.abs().max().item<double>());
  if (difference > 1e-3 * std::max(1.0, theirs.abs().max().item<double>())) {
    std::fprintf(stderr, "segkit and the Python reference disagree: the comparison below is void\n");
    std::exit(1);
  }
}

// The newer architectures of issue 22, float32 at 512x512 batch 1: Unet on timm's ConvNeXt-tiny and
// Segformer on MiT-b2, against the same networks in Python (bench/python/smp_convnext.py,
// smp_segformer.py: timm is not in Debian, so the reference carries its own modules with timm's and
// SMP's names, checked against ../shared/parity).
void bench_newer_architectures(int threads) {
  struct Newer {
    const char* label;
    segkit::models::json config;
  };
  const std::vector<Newer> models = {
      {"unet tu-convnext_tiny", {{"arch", "unet"}, {"encoder_name", "tu-convnext_tiny"}, {"classes", 4}}},
      {"segformer mit_b2", {{"arch", "segformer"}, {"encoder_name", "mit_b2"}, {"classes", 4}}},
  };
  std::printf("\n%-22s %10s %10s %10s %9s %9s\n", "512x512 b1 (images/s)", "segkit", "python", "tuned py", "x python",
              "x tuned");
  for (const auto& m : models) {
    auto model = segkit::models::create_model(m.config);
    segkit::models::fill_segkit_v1(*model);
    model->eval();
    const fs::path dir = fs::temp_directory_path() / ("segkit_bench_newer_" + std::to_string(getpid()));
    segkit::models::save_pretrained(*model, dir);
    auto fast = segkit::models::inference_copy(*model);
    check_same_outputs(fast, dir);
    const std::string args = "infer --model " + dir.string() + " --height 512 --width 512 --batch 1 --reps 5 --threads " +
                             std::to_string(threads);
    const auto python = segkit::bench::run_python("model_reference.py", args);
    const auto tuned = segkit::bench::run_python("model_reference.py", args, PythonFlavour::kTuned);
    const double python_ips = python ? python->at("images_per_s").get<double>() : 0;
    const double tuned_ips = tuned ? tuned->at("images_per_s").get<double>() : 0;
    const auto x = torch::randn({1, 3, 512, 512});
    const double ips = 1.0 / segkit::bench::median_seconds([&] { fast->predict(x); }, 5, 2);
    std::printf("%-22s %10.2f %10.2f %10.2f %8.2fx %8.2fx\n", m.label, ips, python_ips, tuned_ips,
                python_ips > 0 ? ips / python_ips : 0.0, tuned_ips > 0 ? ips / tuned_ips : 0.0);
    fs::remove_all(dir);
  }
}

int run_child(const Case& c) {
  auto fast = segkit::models::inference_copy(*make_model());
  const auto x = torch::randn({c.batch, 3, c.height, c.width});
  for (int i = 0; i < 3; ++i) fast->predict(x);
  segkit::bench::report_peak_rss();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 5 && std::string(argv[1]) == "--child") {
    segkit::nn::configure_threads(0);
    return run_child({std::atoll(argv[2]), std::atoll(argv[3]), std::atoll(argv[4])});
  }
  // `bench_model newer [threads]`: only the newer architectures' rows.
  const bool newer_only = argc > 1 && std::string(argv[1]) == "newer";
  const int thread_arg = newer_only ? 2 : 1;
  const int threads = segkit::nn::configure_threads(argc > thread_arg ? std::atoi(argv[thread_arg]) : 0);
  if (newer_only) {
    segkit::bench::print_machine();
    bench_newer_architectures(threads);
    return 0;
  }
  segkit::bench::print_machine();
  const bool bf16_rows = segkit::bench::measure_bf16();
  const auto peak = segkit::bench::measure_machine_peak(bf16_rows);
  std::printf("machine peak: 3x3 conv %.1f GFLOP/s (bf16 %.1f), float32 matmul %.1f GFLOP/s\n",
              peak.conv3x3_gflops, peak.conv3x3_bf16_gflops, peak.matmul_gflops);

  auto model = make_model();
  const fs::path dir = fs::temp_directory_path() / ("segkit_bench_model_" + std::to_string(getpid()));
  segkit::models::save_pretrained(*model, dir);
  auto fast = segkit::models::inference_copy(*model);
  auto fast_bf16 = bf16_rows ? segkit::models::inference_copy(*model, {true, true, segkit::nn::Precision::kBFloat16}) : fast;
  check_same_outputs(fast, dir);

  std::printf("\n%-22s %10s %10s %10s %9s %9s %9s %7s\n", "case (images/s)", "segkit", "python", "tuned py",
              "x python", "x tuned", "GFLOP/s", "% peak");
  const std::vector<Case> cases = {{256, 1600, 1}, {256, 1600, 4}, {384, 576, 1}, {384, 576, 4}};
  for (const auto& c : cases) {
    const auto x = torch::randn({c.batch, 3, c.height, c.width});
    const int repetitions = c.batch == 1 ? 9 : 5;
    const std::string args = "infer --model " + dir.string() + " --height " + std::to_string(c.height) + " --width " +
                             std::to_string(c.width) + " --batch " + std::to_string(c.batch) + " --reps " +
                             std::to_string(repetitions) + " --threads " + std::to_string(threads);
    const auto python = segkit::bench::run_python("model_reference.py", args);
    const auto tuned = segkit::bench::run_python("model_reference.py", args, PythonFlavour::kTuned);
    const double python_ips = python ? python->at("images_per_s").get<double>() : 0;
    const double tuned_ips = tuned ? tuned->at("images_per_s").get<double>() : 0;
    const double flops = python ? python->at("flops_per_image").get<double>() : 0;
    for (auto* variant : {&fast, &fast_bf16}) {
      if (variant == &fast_bf16 && !bf16_rows) continue;
      const double seconds = segkit::bench::median_seconds([&] { (*variant)->predict(x); }, repetitions, 2);
      const double ips = static_cast<double>(c.batch) / seconds;
      const double gflops = flops * ips / 1e9;
      const bool bf16 = variant == &fast_bf16;
      const std::string name = std::to_string(c.height) + "x" + std::to_string(c.width) + " b" +
                               std::to_string(c.batch) + (bf16 ? " bf16" : " fp32");
      std::printf("%-22s %10.2f %10.2f %10.2f %8.2fx %8.2fx %9.1f %6.0f%%\n", name.c_str(), ips, python_ips, tuned_ips,
                  python_ips > 0 ? ips / python_ips : 0.0, tuned_ips > 0 ? ips / tuned_ips : 0.0, gflops,
                  100.0 * gflops / (bf16 ? peak.conv3x3_bf16_gflops : peak.conv3x3_gflops));
    }
    if (flops > 0 && &c == &cases.front()) std::printf("%-22s %.1f GFLOP per image\n", "", flops / 1e9);
  }

  // Peak RSS of a fresh process that builds the model and predicts a steel batch of 4.
  const double segkit_rss = segkit::bench::child_peak_rss_mb({"--child", "256", "1600", "4"});
  segkit::bench::print_peak_rss("inference 256x1600 b4", segkit_rss, "model_reference.py",
                                "infer --model " + dir.string() + " --height 256 --width 1600 --batch 4 --reps 3");
  fs::remove_all(dir);
  bench_newer_architectures(threads);
}
