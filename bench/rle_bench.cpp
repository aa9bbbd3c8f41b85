// Kaggle and SIIM RLE encode/decode on Severstal-sized 256x1600 masks and a pneumothorax-sized
// 1024x1024 mask, against two references timed in the same run: the numpy codec Kaggle notebooks copy
// around (bench/python/rle_reference.py; SIIM's own per-pixel encoder for that format), and the
// straightforward C++ most pipelines start from (decode with std::istringstream, encode with a
// per-pixel column walk and an std::ostringstream). Outputs are checked equal before timing.
// Run: make bench   (or build/bin/bench_rle)

#include <cmath>
#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <opencv2/core.hpp>
#include <random>
#include <sstream>

#include "bench/machine_header.h"
#include "bench/python_reference.h"
#include "bench/timing.h"
#include "segkit/io/image_io.h"
#include "segkit/io/rle.h"

namespace {

namespace fs = std::filesystem;
using Mask = std::vector<uint8_t>;

struct TestMask {
  std::string name;
  int height, width;
  Mask pixels;
};

// rle.json's "blobs" (smooth defects, ~12 % foreground); with `ragged`, a thresholded noisy
// prediction: the same blobs with jagged edges and speckle, many more short runs.
TestMask make_mask(const std::string& name, int height, int width, bool ragged) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> noise(-0.15, 0.15);
  Mask mask(static_cast<size_t>(height) * width);
  for (int r = 0; r < height; ++r) {
    for (int c = 0; c < width; ++c) {
      double v = std::sin(0.019 * c + 1.3) * std::sin(0.047 * r + 0.4) + 0.4 * std::sin(0.0053 * c + 0.011 * r);
      if (ragged) v += noise(rng);
      mask[static_cast<size_t>(r) * width + c] = v > 0.75 ? 1 : 0;
    }
  }
  return {name, height, width, std::move(mask)};
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Mask reference_decode(const std::string& rle, bool siim, int kHeight, int kWidth) {
  std::vector<uint8_t> flat(static_cast<size_t>(kHeight) * kWidth, 0);
  std::istringstream in(rle);
  long long first = 0, length = 0, position = 0;
  while (in >> first >> length) {
    position = siim ? position + first : first - 1;
    for (long long i = 0; i < length; ++i) flat[position + i] = 1;
    position += length;
  }
  Mask mask(flat.size());
  for (int x = 0; x < kWidth; ++x) {
    for (int y = 0; y < kHeight; ++y) mask[y * kWidth + x] = flat[x * kHeight + y];
  }
  return mask;
}

std::string reference_encode(const Mask& mask, bool siim, int kHeight, int kWidth) {
  std::vector<int> runs;
  int start = -1;
  for (int p = 0; p < kHeight * kWidth; ++p) {
    const bool on = mask[(p % kHeight) * kWidth + p / kHeight] != 0;
    if (on && start < 0) start = p;
    if (!on && start >= 0) {
      runs.push_back(start);
      runs.push_back(p - start);
      start = -1;
    }
  }
  if (start >= 0) {
    runs.push_back(start);
    runs.push_back(kHeight * kWidth - start);
  }
  std::ostringstream out;
  int cursor = 0;
  for (size_t i = 0; i < runs.size(); i += 2) {
    if (i > 0) out << ' ';
    out << (siim ? runs[i] - cursor : runs[i] + 1) << ' ' << runs[i + 1];
    cursor = runs[i] + runs[i + 1];
  }
  return siim && runs.empty() ? "-1" : out.str();
}

void print_row(const std::string& name, double segkit_s, double loop_s, double numpy_s) {
  std::printf("%-40s %9.3f ms %9.3f ms %9.3f ms %7.1fx %8.1fx\n", name.c_str(), segkit_s * 1e3, loop_s * 1e3,
              numpy_s * 1e3, loop_s / segkit_s, numpy_s / segkit_s);
}

void bench_mask(const TestMask& test, const nlohmann::json& numpy, const fs::path& numpy_dir) {
  using namespace segkit::io;
  const Mask& mask = test.pixels;
  const int h = test.height, w = test.width;
  size_t pixels = 0;
  for (uint8_t v : mask) pixels += v;
  for (bool siim : {false, true}) {
    const std::string format = siim ? "siim" : "kaggle";
    const std::string rle = siim ? encode_siim_rle(mask, h, w) : encode_kaggle_rle(mask, h, w);
    if (rle != reference_encode(mask, siim, h, w) || reference_decode(rle, siim, h, w) != mask ||
        (siim ? decode_siim_rle(rle, h, w) : decode_kaggle_rle(rle, h, w)) != mask) {
      std::fprintf(stderr, "segkit and the C++ reference disagree on %s\n", test.name.c_str());
      std::exit(1);
    }
    // SIIM's own encoder never writes a run that reaches the last pixel; none of these masks has one.
    const fs::path numpy_text = numpy_dir / (test.name + "." + format + ".txt");
    if (!numpy.is_null() && read_text(numpy_text) != rle) {
      std::fprintf(stderr, "segkit and the numpy reference disagree on %s (%s)\n", test.name.c_str(), format.c_str());
      std::exit(1);
    }
    if (!siim) {
      const size_t runs = (static_cast<size_t>(std::count(rle.begin(), rle.end(), ' ')) + 1) / 2;
      std::printf("\n%s %dx%d: %.1f %% foreground, %zu runs\n", test.name.c_str(), h, w, 100.0 * pixels / mask.size(),
                  runs);
    }
    const double numpy_encode = numpy.is_null() ? 0 : numpy.value(format + "_encode_ms", 0.0) / 1e3;
    const double numpy_decode = numpy.is_null() ? 0 : numpy.value(format + "_decode_ms", 0.0) / 1e3;
    volatile size_t sink = 0;
    const double encode_s = segkit::bench::median_seconds(
        [&] { sink = sink + (siim ? encode_siim_rle(mask, h, w) : encode_kaggle_rle(mask, h, w)).size(); }, 101, 5);
    const double encode_loop = segkit::bench::median_seconds(
        [&] { sink = sink + reference_encode(mask, siim, h, w).size(); }, 101, 5);
    print_row(format + " encode", encode_s, encode_loop, numpy_encode);
    const double decode_s = segkit::bench::median_seconds(
        [&] { sink = sink + (siim ? decode_siim_rle(rle, h, w) : decode_kaggle_rle(rle, h, w))[0]; }, 101, 5);
    const double decode_loop = segkit::bench::median_seconds(
        [&] { sink = sink + reference_decode(rle, siim, h, w)[0]; }, 101, 5);
    print_row(format + " decode (fresh 0/1 mask)", decode_s, decode_loop, numpy_decode);
  }
}

}  // namespace

int main() {
  segkit::bench::print_machine();
  const std::vector<TestMask> masks = {make_mask("steel_blobs", 256, 1600, false),
                                       make_mask("steel_ragged", 256, 1600, true),
                                       make_mask("pneumothorax_blobs", 1024, 1024, false)};
  const fs::path dir = fs::temp_directory_path() / ("segkit_bench_rle_" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::string arguments = "--reps 21 --out-dir " + dir.string() + " --masks";
  for (const auto& mask : masks) {
    cv::Mat image(mask.height, mask.width, CV_8U, const_cast<uint8_t*>(mask.pixels.data()));
    segkit::io::write_image(dir / (mask.name + ".png"), image * 255);
    arguments += " " + (dir / (mask.name + ".png")).string();
  }
  const auto numpy = segkit::bench::run_python("rle_reference.py", arguments);
  std::printf("RLE codecs, median of 101 runs (numpy: of 21); x = reference time / segkit time\n");
  std::printf("%-40s %12s %12s %12s %8s %9s\n", "case", "segkit", "C++ loop", "numpy", "x loop", "x numpy");
  for (size_t i = 0; i < masks.size(); ++i) {
    bench_mask(masks[i], numpy ? numpy->at("masks").at(i) : nlohmann::json(), dir);
  }
  fs::remove_all(dir);
  return 0;
}
