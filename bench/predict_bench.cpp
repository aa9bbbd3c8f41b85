// End to end, as a user runs it: a folder of clouds-sized 1400x2100 JPEGs -> Unet-ResNet34 at
// 320x480 -> probabilities at 350x525 -> threshold + min_area -> Kaggle RLE -> submission CSV.
//   segkit      `segkit predict --postprocess ... --output-size 350x525` then `segkit submit`
//               (two processes, timed from start to exit, model loading included)
//   python      bench/python/predict_reference.py: the notebook loop (Dataset with cv2.imread +
//               resize + normalise, DataLoader(num_workers=2), forward, sigmoid, cv2.resize,
//               connected components, numpy RLE, csv), as users run it and tuned; the whole process
//               is timed the same way (interpreter start and imports included)
// Same weights (exported by segkit), same images, same rules; segkit in float32 and in bfloat16.
// Run: make bench   (or build/bin/bench_predict [images])

#include <chrono>
#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "bench/machine_header.h"
#include "bench/child_process.h"
#include "bench/python_reference.h"
#include "segkit/core/atomic_file.h"
#include "segkit/data/synth.h"
#include "segkit/models/hub_format.h"
#include "segkit/models/model_registry.h"
#include "segkit/models/parity.h"
#include "segkit/nn/runtime.h"

namespace fs = std::filesystem;
using segkit::bench::PythonFlavour;

namespace {

std::vector<std::string> read_lines(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  return lines;
}

/// Share of submission rows (Image_Label, EncodedPixels) the two CSVs have identical. With these
/// untrained weights many probabilities sit near the threshold, so float rounding flips a few.
double identical_rows(const fs::path& a, const fs::path& b) {
  const auto left = read_lines(a), right = read_lines(b);
  if (left.size() != right.size() || left.size() < 2) return 0;
  size_t same = 0;
  for (size_t i = 1; i < left.size(); ++i) same += left[i] == right[i];
  return static_cast<double>(same) / static_cast<double>(left.size() - 1);
}

}  // namespace

int main(int argc, char** argv) {
  const int images = argc > 1 ? std::atoi(argv[1]) : 60;
  segkit::bench::print_machine();
  const fs::path dir = fs::temp_directory_path() / ("segkit_bench_predict_" + std::to_string(getpid()));
  segkit::data::SynthOptions synth;
  synth.kind = segkit::data::SynthKind::kClouds;
  synth.count = images;
  synth.height = 1400;
  synth.width = 2100;
  segkit::data::synthesize(synth, dir / "data");
  const fs::path image_dir = dir / "data" / "train_images";

  auto model = segkit::models::create_model({{"arch", "unet"}, {"encoder_name", "resnet34"}, {"classes", 4}});
  segkit::models::fill_segkit_v1(*model);
  const fs::path model_dir = dir / "model";
  segkit::models::save_pretrained(*model, model_dir);
  segkit::write_file_atomic(model_dir / "segkit.json", R"({"format": "segkit-model-card-v1",
    "classes": ["Fish", "Flower", "Gravel", "Sugar"],
    "preprocess": [{"Resize": {"height": 320, "width": 480}}, "Normalize"]})");
  segkit::write_file_atomic(dir / "postprocess.yaml", "default: {threshold: 0.5, min_area: 10000}\n");

  struct SegkitRun {
    std::string precision;
    double seconds = 0, peak_rss_mb = 0;
  };
  std::vector<SegkitRun> runs;
  std::vector<std::string> precisions{"fp32"};
  if (segkit::bench::measure_bf16()) precisions.push_back("bf16");
  for (const std::string& precision : precisions) {
    const fs::path pred = dir / ("pred_" + precision);
    const auto predict = segkit::bench::run_process(
        {SEGKIT_EXE, "predict", "--run", model_dir.string(), "--input", image_dir.string(), "--out", pred.string(),
         "--postprocess", (dir / "postprocess.yaml").string(), "--output-size", "350x525", "--precision", precision});
    const auto submit = segkit::bench::run_process({SEGKIT_EXE, "submit", "--pred", pred.string(), "--format",
                                                    "clouds", "-o", (dir / (precision + ".csv")).string()});
    if (!predict.ok || !submit.ok) {
      std::fprintf(stderr, "segkit predict/submit --precision %s failed\n", precision.c_str());
      return 1;
    }
    runs.push_back({precision, predict.seconds + submit.seconds, std::max(predict.peak_rss_mb, submit.peak_rss_mb)});
  }

  std::printf("%d JPEGs of 1400x2100 -> submission CSV (Unet-ResNet34 at 320x480, masks at 350x525), %d threads\n",
              images, segkit::nn::configure_threads(0));
  std::printf("%-40s %10s %10s %8s %10s %9s\n", "segkit vs reference", "segkit s", "ref s", "ratio", "rows same",
              "RSS ratio");
  for (const auto flavour : {PythonFlavour::kAsUsersRunIt, PythonFlavour::kTuned}) {
    const fs::path csv = dir / "python.csv";
    const auto start = std::chrono::steady_clock::now();
    const auto python = segkit::bench::run_python(
        "predict_reference.py",
        "--model " + model_dir.string() + " --images " + image_dir.string() + " --out " + csv.string() +
            " --height 320 --width 480 --output-height 350 --output-width 525 --threshold 0.5 --min-area 10000"
            " --batch 1 --workers 2",
        flavour);
    const double python_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!python) continue;
    const double python_rss = python->at("peak_rss_mb").get<double>();
    for (const auto& run : runs) {
      const std::string name = run.precision + (flavour == PythonFlavour::kTuned ? " vs tuned Python (tcmalloc, CL)"
                                                                                 : " vs Python as users run it");
      std::printf("%-40s %10.2f %10.2f %7.2fx %9.0f%% %8.2fx\n", name.c_str(), run.seconds, python_s,
                  python_s / run.seconds, 100.0 * identical_rows(dir / (run.precision + ".csv"), csv),
                  run.peak_rss_mb / python_rss);
    }
  }
  fs::remove_all(dir);
  return 0;
}
