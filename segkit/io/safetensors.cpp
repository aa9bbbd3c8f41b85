#include "segkit/io/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/core/strings.h"

namespace segkit::io {
namespace {

using nlohmann::json;

struct DTypeEntry {
  DType dtype;
  const char* name;
  size_t size;
};

constexpr DTypeEntry kDTypes[] = {
    {DType::kBool, "BOOL", 1}, {DType::kU8, "U8", 1},     {DType::kI8, "I8", 1},
    {DType::kI16, "I16", 2},   {DType::kU16, "U16", 2},   {DType::kI32, "I32", 4},
    {DType::kU32, "U32", 4},   {DType::kI64, "I64", 8},   {DType::kU64, "U64", 8},
    {DType::kF16, "F16", 2},   {DType::kBF16, "BF16", 2}, {DType::kF32, "F32", 4},
    {DType::kF64, "F64", 8},
};

const DTypeEntry& entry(DType dtype) {
  for (const auto& e : kDTypes) {
    if (e.dtype == dtype) return e;
  }
  throw Error("unknown safetensors dtype enum value");
}

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
  throw DataError("safetensors file '" + path.string() + "': " + what);
}

bool multiply_overflows(uint64_t a, uint64_t b, uint64_t& product) {
  return __builtin_mul_overflow(a, b, &product);
}

uint64_t read_u64_le(const unsigned char* bytes) {
  uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | bytes[i];
  return value;
}

void pread_exact(int fd, void* destination, uint64_t size, uint64_t offset,
                 const std::filesystem::path& path) {
  auto* out = static_cast<char*>(destination);
  while (size > 0) {
    ssize_t got = ::pread(fd, out, size, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) fail(path, got == 0 ? "unexpected end of file" : std::strerror(errno));
    out += got;
    size -= static_cast<uint64_t>(got);
    offset += static_cast<uint64_t>(got);
  }
}

// nlohmann keeps the last of duplicate keys silently; two tensors with one name must be an error.
json parse_header(const std::string& text, const std::filesystem::path& path) {
  std::set<std::string> names;
  std::string duplicate;
  json::parser_callback_t reject_duplicates = [&](int depth, json::parse_event_t event,
                                                  json& parsed) {
    if (event == json::parse_event_t::key && depth == 1 && duplicate.empty()) {
      auto name = parsed.get<std::string>();
      if (!names.insert(name).second) duplicate = name;
    }
    return true;
  };
  json header;
  try {
    header = json::parse(text, reject_duplicates);
  } catch (const json::exception& e) {
    fail(path, std::string("header is not valid JSON: ") + e.what());
  }
  if (!duplicate.empty()) fail(path, "tensor '" + duplicate + "' appears twice in the header");
  if (!header.is_object()) fail(path, "header is not a JSON object");
  return header;
}

TensorInfo parse_tensor_info(const std::string& name, const json& value,
                             const std::filesystem::path& path) {
  const std::string where = "tensor '" + name + "': ";
  if (!value.is_object()) fail(path, where + "entry is not an object");
  for (const auto& [key, unused] : value.items()) {
    if (key != "dtype" && key != "shape" && key != "data_offsets") {
      fail(path, where + "unexpected field '" + key + "' (expected dtype, shape, data_offsets)");
    }
  }
  TensorInfo info;
  info.name = name;
  auto dtype = value.find("dtype");
  if (dtype == value.end() || !dtype->is_string()) fail(path, where + "missing string 'dtype'");
  try {
    info.dtype = parse_dtype(dtype->get<std::string>());
  } catch (const DataError& e) {
    fail(path, where + e.what());
  }
  auto shape = value.find("shape");
  if (shape == value.end() || !shape->is_array()) fail(path, where + "missing array 'shape'");
  for (const auto& dim : *shape) {
    if (!dim.is_number_unsigned()) fail(path, where + "shape has a non-integer or negative dim");
    uint64_t d = dim.get<uint64_t>();
    if (d > static_cast<uint64_t>(INT64_MAX)) fail(path, where + "shape dim too large");
    info.shape.push_back(static_cast<int64_t>(d));
  }
  auto offsets = value.find("data_offsets");
  if (offsets == value.end() || !offsets->is_array() || offsets->size() != 2 ||
      !(*offsets)[0].is_number_unsigned() || !(*offsets)[1].is_number_unsigned()) {
    fail(path, where + "'data_offsets' must be two non-negative integers [begin, end]");
  }
  info.data_begin = (*offsets)[0].get<uint64_t>();
  info.data_end = (*offsets)[1].get<uint64_t>();
  if (info.data_end < info.data_begin) fail(path, where + "data_offsets end before they begin");
  uint64_t expected = dtype_size(info.dtype);
  for (int64_t dim : info.shape) {
    if (multiply_overflows(expected, static_cast<uint64_t>(dim), expected)) {
      fail(path, where + "shape overflows 64-bit byte count");
    }
  }
  if (expected != info.nbytes()) {
    fail(path, where + "dtype " + std::string(dtype_name(info.dtype)) + " and shape need " +
                   std::to_string(expected) + " bytes but data_offsets span " +
                   std::to_string(info.nbytes()));
  }
  return info;
}

std::map<std::string, std::string> parse_metadata(const json& value,
                                                  const std::filesystem::path& path) {
  if (!value.is_object()) fail(path, "'__metadata__' is not an object of strings");
  std::map<std::string, std::string> metadata;
  for (const auto& [key, item] : value.items()) {
    if (!item.is_string()) fail(path, "'__metadata__' value of '" + key + "' is not a string");
    metadata[key] = item.get<std::string>();
  }
  return metadata;
}

}  // namespace

size_t dtype_size(DType dtype) { return entry(dtype).size; }

std::string_view dtype_name(DType dtype) { return entry(dtype).name; }

DType parse_dtype(std::string_view name) {
  std::vector<std::string> names;
  for (const auto& e : kDTypes) {
    if (name == e.name) return e.dtype;
    names.emplace_back(e.name);
  }
  throw DataError("unsupported dtype '" + std::string(name) + "' (supported: " + join(names, ", ") +
                  ")");
}

int64_t TensorInfo::numel() const {
  int64_t n = 1;
  for (int64_t dim : shape) n *= dim;
  return n;
}

SafetensorsReader::SafetensorsReader(const std::filesystem::path& path, SafetensorsLimits limits)
    : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw DataError("cannot open '" + path.string() + "': " + std::strerror(errno));
  try {
    struct stat status {};
    if (::fstat(fd_, &status) != 0 || !S_ISREG(status.st_mode)) fail(path, "not a regular file");
    const auto file_size = static_cast<uint64_t>(status.st_size);
    if (file_size < 8) fail(path, "file is " + std::to_string(file_size) + " bytes, too short");
    unsigned char length_bytes[8];
    pread_exact(fd_, length_bytes, 8, 0, path);
    const uint64_t header_size = read_u64_le(length_bytes);
    if (header_size > limits.max_header_bytes) {
      fail(path, "header length " + std::to_string(header_size) + " exceeds the limit of " +
                     std::to_string(limits.max_header_bytes) + " bytes");
    }
    if (header_size > file_size - 8) {
      fail(path, "header length " + std::to_string(header_size) + " runs past the end of the " +
                     std::to_string(file_size) + "-byte file (truncated?)");
    }
    std::string text(header_size, '\0');
    pread_exact(fd_, text.data(), header_size, 8, path);
    if (text.empty() || text[0] != '{') fail(path, "header does not start with '{'");
    const json header = parse_header(text, path);

    for (const auto& [name, value] : header.items()) {
      if (name == "__metadata__") {
        metadata_ = parse_metadata(value, path);
      } else {
        tensors_.push_back(parse_tensor_info(name, value, path));
      }
    }
    std::sort(tensors_.begin(), tensors_.end(), [](const TensorInfo& a, const TensorInfo& b) {
      return a.data_begin != b.data_begin ? a.data_begin < b.data_begin : a.data_end < b.data_end;
    });
    data_start_ = 8 + header_size;
    uint64_t cursor = 0;
    for (const auto& info : tensors_) {
      if (info.data_begin != cursor) {
        fail(path, "tensor '" + info.name + "' starts at byte " + std::to_string(info.data_begin) +
                       " of the data section, expected " + std::to_string(cursor) +
                       (info.data_begin < cursor ? " (overlaps the previous tensor)" : " (gap)"));
      }
      cursor = info.data_end;
    }
    if (cursor != file_size - data_start_) {
      fail(path, "tensors cover " + std::to_string(cursor) + " bytes but the data section has " +
                     std::to_string(file_size - data_start_) +
                     (cursor > file_size - data_start_ ? " (truncated file?)" : " (trailing bytes)"));
    }
    for (size_t i = 0; i < tensors_.size(); ++i) index_.emplace(tensors_[i].name, i);
  } catch (...) {
    ::close(fd_);
    throw;
  }
}

SafetensorsReader::~SafetensorsReader() {
  if (fd_ >= 0) ::close(fd_);
}

bool SafetensorsReader::contains(std::string_view name) const {
  return index_.count(std::string(name)) > 0;
}

const TensorInfo& SafetensorsReader::tensor(std::string_view name) const {
  auto found = index_.find(std::string(name));
  if (found == index_.end()) {
    std::vector<std::string> names;
    for (const auto& info : tensors_) names.push_back(info.name);
    fail(path_, "no tensor named '" + std::string(name) + "'" + did_you_mean(name, names));
  }
  return tensors_[found->second];
}

void SafetensorsReader::read(const TensorInfo& info, void* destination) const {
  pread_exact(fd_, destination, info.nbytes(), data_start_ + info.data_begin, path_);
}

std::vector<uint8_t> SafetensorsReader::read(std::string_view name) const {
  const TensorInfo& info = tensor(name);
  std::vector<uint8_t> bytes(info.nbytes());
  read(info, bytes.data());
  return bytes;
}

std::shared_ptr<const uint8_t> SafetensorsReader::map_data() const {
  struct stat info {};
  if (::fstat(fd_, &info) != 0) throw IoError("cannot stat " + path_.string());
  const auto size = static_cast<size_t>(info.st_size);
  if (size == 0) return {};
  void* address = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd_, 0);
  if (address == MAP_FAILED) throw IoError("cannot memory-map " + path_.string());
  const auto* base = static_cast<const uint8_t*>(address);
  std::shared_ptr<const uint8_t> whole(base, [size](const uint8_t* p) { ::munmap(const_cast<uint8_t*>(p), size); });
  return std::shared_ptr<const uint8_t>(whole, base + data_start_);  // aliasing: owns the whole mapping
}

namespace {

// The 8-byte little-endian length, then the JSON header padded so the data section is 8-byte aligned.
void write_header(std::ostream& out, const json& header) {
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  unsigned char length[8];
  for (int i = 0; i < 8; ++i) length[i] = static_cast<unsigned char>(text.size() >> (8 * i));
  out.write(reinterpret_cast<const char*>(length), 8);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

}  // namespace

void write_safetensors(const std::filesystem::path& path, const std::vector<TensorRef>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  std::vector<const TensorRef*> order;
  std::set<std::string> names;
  for (const auto& tensor : tensors) {
    if (!names.insert(tensor.name).second) {
      throw DataError("cannot write '" + path.string() + "': tensor name '" + tensor.name +
                      "' given twice");
    }
    if (tensor.name == "__metadata__") {
      throw DataError("cannot write '" + path.string() + "': '__metadata__' is reserved");
    }
    for (int64_t dim : tensor.shape) {
      if (dim < 0) throw DataError("cannot write tensor '" + tensor.name + "': negative dim");
    }
    order.push_back(&tensor);
  }
  std::sort(order.begin(), order.end(), [](const TensorRef* a, const TensorRef* b) {
    size_t size_a = dtype_size(a->dtype), size_b = dtype_size(b->dtype);
    return size_a != size_b ? size_a > size_b : a->name < b->name;
  });

  json header = json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::vector<uint64_t> sizes;
  uint64_t offset = 0;
  for (const TensorRef* tensor : order) {
    uint64_t nbytes = dtype_size(tensor->dtype);
    for (int64_t dim : tensor->shape) nbytes *= static_cast<uint64_t>(dim);
    if (nbytes > 0 && tensor->data == nullptr) {
      throw DataError("cannot write tensor '" + tensor->name + "': no data");
    }
    header[tensor->name] = {{"dtype", dtype_name(tensor->dtype)},
                            {"shape", tensor->shape},
                            {"data_offsets", {offset, offset + nbytes}}};
    sizes.push_back(nbytes);
    offset += nbytes;
  }
  AtomicFile file(path);
  auto& out = file.stream();
  write_header(out, header);
  for (size_t i = 0; i < order.size(); ++i) {
    out.write(static_cast<const char*>(order[i]->data), static_cast<std::streamsize>(sizes[i]));
  }
  file.commit();
}

SafetensorsStreamWriter::SafetensorsStreamWriter(std::filesystem::path path, std::map<std::string, std::string> metadata)
    : path_(std::move(path)),
      metadata_(std::move(metadata)),
      scratch_(std::make_unique<AtomicFile>(path_.parent_path() / (path_.stem().string() + ".data"))) {}

SafetensorsStreamWriter::~SafetensorsStreamWriter() = default;

void SafetensorsStreamWriter::add(const TensorRef& tensor) {
  if (tensor.name == "__metadata__") throw DataError("cannot write '" + path_.string() + "': '__metadata__' is reserved");
  if (!names_.emplace(tensor.name, entries_.size()).second) {
    throw DataError("cannot write '" + path_.string() + "': tensor name '" + tensor.name + "' given twice");
  }
  uint64_t nbytes = dtype_size(tensor.dtype);
  for (int64_t dim : tensor.shape) {
    if (dim < 0) throw DataError("cannot write tensor '" + tensor.name + "': negative dim");
    nbytes *= static_cast<uint64_t>(dim);
  }
  if (nbytes > 0 && tensor.data == nullptr) throw DataError("cannot write tensor '" + tensor.name + "': no data");
  scratch_->stream().write(static_cast<const char*>(tensor.data), static_cast<std::streamsize>(nbytes));
  if (!scratch_->stream()) throw IoError("cannot write " + scratch_->temp_path().string());
  entries_.push_back({tensor.name, tensor.dtype, tensor.shape, offset_, offset_ + nbytes});
  offset_ += nbytes;
}

void SafetensorsStreamWriter::finish() {
  json header = json::object();
  if (!metadata_.empty()) header["__metadata__"] = metadata_;
  for (const auto& entry : entries_) {
    header[entry.name] = {{"dtype", dtype_name(entry.dtype)}, {"shape", entry.shape}, {"data_offsets", {entry.begin, entry.end}}};
  }
  auto& scratch = scratch_->stream();
  scratch.flush();
  if (!scratch) throw IoError("cannot write " + scratch_->temp_path().string());

  AtomicFile file(path_);
  auto& out = file.stream();
  write_header(out, header);
  std::ifstream data(scratch_->temp_path(), std::ios::binary);
  std::vector<char> buffer(1 << 20);
  while (data.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || data.gcount() > 0) {
    out.write(buffer.data(), data.gcount());
  }
  file.commit();
  scratch_.reset();  // removes the scratch file
}

}  // namespace segkit::io
