// Kaggle and SIIM RLE encode/decode on a Severstal-sized 256x1600 mask, against the straightforward
// implementation most pipelines start from: decode with std::istringstream into a column-major
// std::vector and transpose pixel by pixel; encode with a per-pixel column walk collecting runs in
// a std::vector<int>, then an std::ostringstream. Outputs are checked equal before timing. Run:
// make bench   (or build/bin/bench_rle)

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <sstream>

#include "bench/timing.h"
#include "segkit/io/rle.h"

namespace {

constexpr int kHeight = 256;
constexpr int kWidth = 1600;
using Mask = std::vector<uint8_t>;

// rle.json's "blobs" (smooth defects, ~12 % foreground); with `ragged`, a thresholded noisy
// prediction: the same blobs with jagged edges and speckle, many more short runs.
Mask make_mask(bool ragged) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> noise(-0.15, 0.15);
  Mask mask(kHeight * kWidth);
  for (int r = 0; r < kHeight; ++r) {
    for (int c = 0; c < kWidth; ++c) {
      double v = std::sin(0.019 * c + 1.3) * std::sin(0.047 * r + 0.4) +
                 0.4 * std::sin(0.0053 * c + 0.011 * r);
      if (ragged) v += noise(rng);
      mask[r * kWidth + c] = v > 0.75 ? 1 : 0;
    }
  }
  return mask;
}

Mask reference_decode(const std::string& rle, bool siim) {
  std::vector<uint8_t> flat(kHeight * kWidth, 0);
  std::istringstream in(rle);
  long long first = 0, length = 0, position = 0;
  while (in >> first >> length) {
    position = siim ? position + first : first - 1;
    for (long long i = 0; i < length; ++i) flat[position + i] = 1;
    position += length;
  }
  Mask mask(kHeight * kWidth);
  for (int x = 0; x < kWidth; ++x) {
    for (int y = 0; y < kHeight; ++y) mask[y * kWidth + x] = flat[x * kHeight + y];
  }
  return mask;
}

std::string reference_encode(const Mask& mask, bool siim) {
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

void bench_mask(const char* name, const Mask& mask) {
  using namespace segkit::io;
  size_t runs = 0, pixels = 0;
  for (uint8_t v : mask) pixels += v;
  for (bool siim : {false, true}) {
    const std::string rle =
        siim ? encode_siim_rle(mask, kHeight, kWidth) : encode_kaggle_rle(mask, kHeight, kWidth);
    if (rle != reference_encode(mask, siim) || reference_decode(rle, siim) != mask ||
        (siim ? decode_siim_rle(rle, kHeight, kWidth) : decode_kaggle_rle(rle, kHeight, kWidth)) !=
            mask) {
      std::fprintf(stderr, "segkit and the reference disagree on %s\n", name);
      std::exit(1);
    }
    if (!siim) {
      runs = 0;
      for (char ch : rle) runs += ch == ' ';
      runs = (runs + 1) / 2;
      std::printf("\n%s: %zu foreground pixels (%.1f %%), %zu runs, %zu-character Kaggle RLE\n",
                  name, pixels, 100.0 * pixels / mask.size(), runs, rle.size());
    }
    const std::string format = siim ? "SIIM" : "Kaggle";
    volatile size_t sink = 0;
    const double encode_s = segkit::bench::median_seconds(
        [&] {
          sink = sink + (siim ? encode_siim_rle(mask, kHeight, kWidth)
                              : encode_kaggle_rle(mask, kHeight, kWidth))
                            .size();
        },
        101, 5);
    const double encode_ref = segkit::bench::median_seconds(
        [&] { sink = sink + reference_encode(mask, siim).size(); }, 101, 5);
    segkit::bench::print_row(format + " encode", encode_s, encode_ref);
    const double decode_s = segkit::bench::median_seconds(
        [&] {
          sink = sink + (siim ? decode_siim_rle(rle, kHeight, kWidth)
                              : decode_kaggle_rle(rle, kHeight, kWidth))[0];
        },
        101, 5);
    const double decode_ref = segkit::bench::median_seconds(
        [&] { sink = sink + reference_decode(rle, siim)[0]; }, 101, 5);
    segkit::bench::print_row(format + " decode (fresh 0/1 mask)", decode_s, decode_ref);
  }
}

}  // namespace

int main() {
  std::printf("RLE codecs on a %dx%d mask (Severstal size), median of 101 runs\n", kHeight, kWidth);
  segkit::bench::print_header();
  bench_mask("smooth blobs (rle.json 'blobs')", make_mask(false));
  bench_mask("ragged thresholded prediction", make_mask(true));
  return 0;
}
