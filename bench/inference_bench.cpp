// Inference fast path (models/inference_copy.h) against the model as built: eval-mode forward of an
// SMP-sized model with BatchNorm folded, and with channels-last on top. Reference = the unfused model
// in the same run, same threads, same input.
// Run: make bench   (or build/bin/bench_inference [threads])

#include <torch/torch.h>

#include <cstdlib>

#include "bench/machine_header.h"
#include "bench/timing.h"
#include "segkit/models/inference_copy.h"
#include "segkit/models/model_registry.h"
#include "segkit/models/parity.h"
#include "segkit/nn/runtime.h"

int main(int argc, char** argv) {
  segkit::nn::configure_threads(argc > 1 ? std::atoi(argv[1]) : 0);
  segkit::bench::print_machine();
  segkit::bench::print_header();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"unet", "resnet34"}, {"fpn", "resnet34"}, {"unet", "efficientnet-b0"}, {"deeplabv3plus", "resnet34"}};
  for (const auto& [arch, encoder] : cases) {
    auto model = segkit::models::create_model({{"arch", arch}, {"encoder_name", encoder}, {"classes", 4}});
    segkit::models::fill_segkit_v1(*model);
    model->eval();
    auto folded = segkit::models::inference_copy(*model, {true, false});
    auto channels_last = segkit::models::inference_copy(*model, {true, true});
    const torch::Tensor x = torch::randn({2, 3, 256, 256});
    const auto time = [&x](segkit::models::SegmentationModel& m) {
      return segkit::bench::median_seconds([&] { m->predict(x); }, 7, 2);
    };
    const double reference = time(model);
    const std::string name = arch + "-" + encoder + " 2x3x256x256";
    segkit::bench::print_row(name + " folded", time(folded), reference);
    segkit::bench::print_row(name + " folded+CL", time(channels_last), reference);
  }
}
