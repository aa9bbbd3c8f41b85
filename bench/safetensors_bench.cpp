// Safetensors I/O against the floor: the same bytes read/written as one raw blob with stdio, no header
// parsing or validation. A ratio near 1 means validation costs nothing measurable.
// Run: make bench   (or build/bin/bench_safetensors)

#include <cstdio>
#include <numeric>

#include "bench/machine_header.h"
#include "bench/timing.h"
#include "segkit/core/atomic_file.h"
#include "segkit/io/safetensors.h"

namespace {

using segkit::io::DType;

// A ResNet34-Unet-like state_dict: ~24M float32 parameters in ~200 tensors of mixed sizes.
std::vector<std::vector<float>> make_tensors() {
  std::vector<std::vector<float>> tensors;
  for (int i = 0; i < 200; ++i) {
    size_t size = (i % 4 == 0) ? 512 * 512 * 9 / 4 : 256 * (i + 1);
    tensors.emplace_back(size, static_cast<float>(i));
  }
  return tensors;
}

}  // namespace

int main() {
  segkit::bench::print_machine();
  const auto tensors = make_tensors();
  std::vector<segkit::io::TensorRef> refs;
  size_t total = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    refs.push_back({"layer" + std::to_string(i) + ".weight", DType::kF32,
                    {static_cast<int64_t>(tensors[i].size())}, tensors[i].data()});
    total += tensors[i].size() * sizeof(float);
  }
  const std::string path = "/tmp/segkit_bench.safetensors";
  const std::string raw_path = "/tmp/segkit_bench.raw";
  std::vector<char> blob(total);

  std::printf("safetensors I/O, %zu tensors, %.1f MiB (page cache warm)\n", tensors.size(), total / 1048576.0);
  segkit::bench::print_header();

  double write_segkit = segkit::bench::median_seconds([&] { segkit::io::write_safetensors(path, refs); }, 7, 1);
  double write_raw = segkit::bench::median_seconds([&] {
    segkit::write_file_atomic(raw_path, std::string_view(blob.data(), blob.size()));
  }, 7, 1);
  segkit::bench::print_row("write (atomic, fsync) vs raw atomic blob", write_segkit, write_raw);

  double read_segkit = segkit::bench::median_seconds([&] {
    segkit::io::SafetensorsReader reader(path);
    char* cursor = blob.data();  // the file's data order, packed like the raw blob
    for (const auto& info : reader.tensors()) {
      reader.read(info, cursor);
      cursor += info.nbytes();
    }
  });
  double read_raw = segkit::bench::median_seconds([&] {
    std::FILE* file = std::fopen(raw_path.c_str(), "rb");
    size_t got = std::fread(blob.data(), 1, blob.size(), file);
    std::fclose(file);
    if (got != blob.size()) std::abort();
  });
  segkit::bench::print_row("read + validate vs raw fread", read_segkit, read_raw);
  std::remove(path.c_str());
  std::remove(raw_path.c_str());
  return 0;
}
