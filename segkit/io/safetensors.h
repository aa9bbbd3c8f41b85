#pragma once
// The safetensors format (SMP, timm and Hugging Face checkpoints): an 8-byte little-endian header
// length, a JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {str: str}}, then the raw
// little-endian tensor bytes. Torch-free: tensors are bytes + dtype + shape here; segkit/nn converts.
//
// Reading never trusts the header. SafetensorsReader checks, before any data is read, that the header
// fits the file and the size limit, is a JSON object without duplicate names, that every dtype is known,
// every shape is non-negative and its byte size (without overflow) equals its offsets, and that the
// tensors tile the data section exactly: no gap, no overlap, nothing past the end of the file. Each
// violation is a DataError naming the file and the tensor.
//
//   segkit::io::SafetensorsReader file("model.safetensors");
//   for (const auto& info : file.tensors()) std::cout << info.name << ' ' << info.numel() << '\n';
//   std::vector<float> w(file.tensor("conv.weight").numel());
//   file.read(file.tensor("conv.weight"), w.data());

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "segkit/core/atomic_file.h"

namespace segkit::io {

enum class DType { kBool, kU8, kI8, kI16, kU16, kI32, kU32, kI64, kU64, kF16, kBF16, kF32, kF64 };

/// Bytes per element.
size_t dtype_size(DType dtype);
/// The format's name: "F32", "BF16", "BOOL", ...
std::string_view dtype_name(DType dtype);
/// Parses a format name; throws DataError listing the valid names.
DType parse_dtype(std::string_view name);

struct TensorInfo {
  std::string name;
  DType dtype = DType::kF32;
  std::vector<int64_t> shape;
  /// Offsets of the tensor's bytes, relative to the start of the data section.
  uint64_t data_begin = 0;
  uint64_t data_end = 0;

  int64_t numel() const;
  uint64_t nbytes() const { return data_end - data_begin; }
};

struct SafetensorsLimits {
  /// The reference implementation refuses headers over 100 MB; so do we.
  uint64_t max_header_bytes = 100ull << 20;
};

class SafetensorsReader {
 public:
  /// Opens the file and validates its header. Throws DataError.
  explicit SafetensorsReader(const std::filesystem::path& path, SafetensorsLimits limits = {});
  ~SafetensorsReader();
  SafetensorsReader(const SafetensorsReader&) = delete;
  SafetensorsReader& operator=(const SafetensorsReader&) = delete;

  /// Tensors in the order of their data in the file.
  const std::vector<TensorInfo>& tensors() const { return tensors_; }
  bool contains(std::string_view name) const;
  /// Throws DataError naming the file and the closest existing name.
  const TensorInfo& tensor(std::string_view name) const;
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  const std::filesystem::path& path() const { return path_; }

  /// Copies the tensor's bytes (info.nbytes()) into `destination`. Thread-safe (positional reads).
  void read(const TensorInfo& info, void* destination) const;
  std::vector<uint8_t> read(std::string_view name) const;

  /// The data section, memory-mapped read-only: tensor bytes at data.get() + info.data_begin,
  /// paged in by the OS on use, so files larger than memory can be read. The mapping lives as long
  /// as any copy of the pointer (also after the reader is gone). Throws IoError when mmap fails.
  std::shared_ptr<const uint8_t> map_data() const;

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  uint64_t data_start_ = 0;
  std::vector<TensorInfo> tensors_;
  std::unordered_map<std::string, size_t> index_;
  std::map<std::string, std::string> metadata_;
};

/// A tensor to write: `data` must hold numel(shape) * dtype_size(dtype) bytes.
struct TensorRef {
  std::string name;
  DType dtype = DType::kF32;
  std::vector<int64_t> shape;
  const void* data = nullptr;
};

/// Writes a safetensors file atomically (temp file + rename). Data are laid out by decreasing
/// alignment, then name, as the Python implementation does. Throws DataError on duplicate names or
/// negative dims, IoError when the file cannot be written.
void write_safetensors(const std::filesystem::path& path, const std::vector<TensorRef>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

/// A safetensors file written one tensor at a time, in constant memory (the out-of-fold
/// predictions of a fold can exceed RAM): each add() appends the bytes to a scratch file beside the
/// target, finish() writes the header and copies the data into the target atomically. Tensors are
/// stored in the order added. Unfinished (an exception, a kill), nothing but the scratch file's
/// removal happens; the target is untouched.
class SafetensorsStreamWriter {
 public:
  explicit SafetensorsStreamWriter(std::filesystem::path path, std::map<std::string, std::string> metadata = {});
  ~SafetensorsStreamWriter();
  SafetensorsStreamWriter(const SafetensorsStreamWriter&) = delete;
  SafetensorsStreamWriter& operator=(const SafetensorsStreamWriter&) = delete;

  /// Throws DataError on a duplicate or reserved name, a negative dim or missing data.
  void add(const TensorRef& tensor);
  /// Throws IoError when the file cannot be written.
  void finish();

 private:
  struct Entry {
    std::string name;
    DType dtype;
    std::vector<int64_t> shape;
    uint64_t begin, end;
  };
  std::filesystem::path path_;
  std::map<std::string, std::string> metadata_;
  std::unique_ptr<AtomicFile> scratch_;  // never committed: the destructor removes it
  std::vector<Entry> entries_;
  std::unordered_map<std::string, size_t> names_;
  uint64_t offset_ = 0;
};

}  // namespace segkit::io
