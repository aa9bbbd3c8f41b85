// `segkit predict --run RUN_DIR [--run RUN_DIR ...] --input IMAGES_DIR|DATASET.yaml --out OUT_DIR
//  [--tta NAME] [--postprocess FILE.yaml] [--save masks|probs|both|labels ...] [--overlays DIR]`: trained
// models -> per-class masks (or class-index labels) at the original resolution (docs/pipeline.md).

#include <algorithm>
#include <cstdio>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/size_option.h"
#include "segkit/infer/tta.h"
#include "segkit/nn/mixed_precision.h"
#include "segkit/pipeline/predict_run.h"

namespace segkit::cli {

void add_predict_command(CLI::App& app) {
  struct Args {
    std::vector<std::string> runs;
    std::string input, out, tta = "none", merge = "mean", postprocess, overlays, device = "auto", precision = "fp32";
    std::vector<std::string> save{"masks"};
    std::vector<double> scales;
    std::vector<int64_t> widths;
    std::string output_size;
    int tile = 0, overlap = 64, workers = 2;
  };
  auto args = std::make_shared<Args>();
  auto* predict = app.add_subcommand("predict", "Predict masks (and probabilities) for a folder or dataset of images");
  predict->add_option("--run", args->runs, "run, fold or model directory; repeat to ensemble")->required();
  predict->add_option("--input", args->input, "image folder, or a config whose data: section lists the images")
      ->required();
  predict->add_option("--out", args->out, "prediction directory")->required();
  predict->add_option("--tta", args->tta, "none, hflip, vflip, flips, hvflip, transpose, d4")->capture_default_str();
  predict->add_option("--merge", args->merge, "TTA merge: mean, gmean, max")->capture_default_str();
  predict->add_option("--scales", args->scales, "multi-scale TTA factors, e.g. 0.75 1 1.25");
  predict->add_option("--widths", args->widths,
                      "multi-resolution inference: also predict with the input resized to these widths, e.g. 512 1024");
  predict->add_option("--tile", args->tile, "sliding-window tile size (0: whole images)")->check(CLI::NonNegativeNumber);
  predict->add_option("--overlap", args->overlap, "tile overlap in pixels")->capture_default_str();
  predict->add_option("--postprocess", args->postprocess, "postprocess.yaml from `segkit tune` (default: p > 0.5)")
      ->check(CLI::ExistingFile);
  predict->add_option("--save", args->save,
                      "what to write, one or more of: masks (a PNG per class), probs, labels (multiclass: one "
                      "class-index PNG per image), both (masks and probs)")
      ->check(CLI::IsMember({"masks", "probs", "both", "labels"}))
      ->capture_default_str();
  predict->add_option("--overlays", args->overlays, "also write images with the masks drawn here");
  predict->add_option("--output-size", args->output_size,
                      "HxW: masks and probabilities at this size instead of each image's own (clouds: 350x525)")
      ->check(size_validator());
  predict->add_option("--device", args->device, "auto, cpu, cuda, cuda:N")->capture_default_str();
  predict->add_option("--workers", args->workers, "decoding threads")->capture_default_str();
  predict->add_option("--precision", args->precision,
                      "fp32; bf16 (about 2x on CPUs with avx512_bf16/amx_bf16, refused on others, and on GPUs); "
                      "fp16 (CUDA only); auto (bf16 where the CPU has it natively, else fp32; fp16 on CUDA)")
      ->check(CLI::IsMember({"fp32", "bf16", "fp16", "auto"}))
      ->capture_default_str();
  predict->callback([args] {
    // On the heap: GCC 12 reports a false -Wmaybe-uninitialized for this aggregate on the stack.
    auto request = std::make_unique<pipeline::PredictRequest>();
    request->runs.assign(args->runs.begin(), args->runs.end());
    request->input = args->input;
    request->out_dir = args->out;
    request->predictor.tta.name = args->tta;
    request->predictor.tta.merge = args->merge;
    request->predictor.tta.scales.assign(args->scales.begin(), args->scales.end());
    request->predictor.tta.widths.assign(args->widths.begin(), args->widths.end());
    request->predictor.device = args->device;
    request->predictor.workers = args->workers;
    request->predictor.precision = nn::parse_precision(args->precision, "--precision");
    if (args->tile > 0) {
      request->predictor.tiles.emplace();
      request->predictor.tiles->tile = args->tile;
      request->predictor.tiles->overlap = args->overlap;
    }
    if (!args->output_size.empty()) {
      int height = 0, width = 0;
      parse_size(args->output_size, height, width);
      request->predictor.output_size = cv::Size(width, height);
    }
    if (!args->postprocess.empty()) request->postprocess = args->postprocess;
    const auto saves = [&](const char* what) {
      return std::find(args->save.begin(), args->save.end(), what) != args->save.end();
    };
    request->save_masks = saves("masks") || saves("both");
    request->save_probabilities = saves("probs") || saves("both");
    request->save_labels = saves("labels");
    if (!args->overlays.empty()) request->overlays = args->overlays;
    const auto summary = pipeline::predict_to_directory(*request);
    std::printf("predicted %zu images into %s\n", summary.images, args->out.c_str());
    for (size_t k = 0; k < summary.classes.size(); ++k) {
      std::printf("  %-16s %zu images %s\n", summary.classes[k].c_str(), summary.images_with_class[k],
                  summary.masks ? "with a mask" : "with p > 0.5 (class_probabilities.csv)");
    }
  });
}

}  // namespace segkit::cli
