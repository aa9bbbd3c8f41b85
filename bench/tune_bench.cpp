// `segkit tune` on out-of-fold probabilities (1000 images x 4 classes at 64x400, a Severstal run at a
// quarter of its size) against the straightforward Python/numpy grid search of Kaggle notebooks
// (bench/python/tune_reference.py: per threshold, per min_area, per image: threshold, OpenCV
// connected components, Dice). Same file, same grids; the chosen parameters must agree.
// Run: make bench   (or build/bin/bench_tune [images])

#include <chrono>
#include <unistd.h>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "bench/machine_header.h"
#include "bench/python_reference.h"
#include "segkit/postprocess/oof_reader.h"
#include "segkit/postprocess/threshold_search.h"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  const int images = argc > 1 ? std::atoi(argv[1]) : 1000;
  segkit::bench::print_machine();
  const fs::path file = fs::temp_directory_path() / ("segkit_bench_oof_" + std::to_string(getpid()) + ".safetensors");
  if (!segkit::bench::run_python("tune_reference.py", "--make-test " + file.string() + " --images " +
                                                          std::to_string(images) + " --classes 4 --height 64 --width 400")) {
    std::fprintf(stderr, "bench_tune needs /usr/bin/python3 with numpy to write its input\n");
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  const auto oof = segkit::postprocess::read_oof(file);
  const auto loaded = std::chrono::steady_clock::now();
  const auto result = segkit::postprocess::search_postprocess(oof, {"1", "2", "3", "4"});
  const auto done = std::chrono::steady_clock::now();
  const double segkit_load = std::chrono::duration<double>(loaded - start).count();
  const double segkit_search = std::chrono::duration<double>(done - loaded).count();

  const auto python = segkit::bench::run_python("tune_reference.py", "--oof " + file.string());
  fs::remove(file);
  if (!python) return 1;
  bool agree = true;
  for (size_t k = 0; k < result.classes.size(); ++k) {
    const auto& ours = result.classes[k];
    const auto& theirs = python->at("classes").at(k);
    agree = agree && std::abs(ours.params.threshold - theirs.at("threshold").get<double>()) < 1e-6 &&
            ours.params.min_area == theirs.at("min_area").get<int>() &&
            std::abs(ours.tuned_dice - theirs.at("dice").get<double>()) < 1e-6;
  }
  std::printf("tune: %d images x 4 classes at 64x400, threshold x min_area grid and its 0.01 refinement\n", images);
  std::printf("parameters and Dice %s\n", agree ? "agree with the Python search" : "DISAGREE with the Python search");
  const double python_search = python->at("seconds").get<double>();
  const double python_load = python->at("load_seconds").get<double>();
  std::printf("%-24s %10s %10s %8s\n", "case (seconds)", "segkit", "python", "ratio");
  std::printf("%-24s %10.3f %10.3f %7.1fx\n", "search", segkit_search, python_search, python_search / segkit_search);
  std::printf("%-24s %10.3f %10.3f %7.1fx\n", "read + search", segkit_load + segkit_search, python_load + python_search,
              (python_load + python_search) / (segkit_load + segkit_search));
  return agree ? 0 : 1;
}
