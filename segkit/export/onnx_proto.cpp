#include "segkit/export/onnx_proto.h"

#include <cstring>
#include <type_traits>

namespace segkit::exporter {
namespace {

// Protobuf wire types.
constexpr uint32_t kVarint = 0, kLengthDelimited = 2, kFixed32 = 5;

class ProtoWriter {
 public:
  void varint_field(uint32_t field, uint64_t value) {
    tag(field, kVarint);
    varint(value);
  }
  void bytes_field(uint32_t field, const std::string& bytes) {
    tag(field, kLengthDelimited);
    varint(bytes.size());
    out_ += bytes;
  }
  void message_field(uint32_t field, const ProtoWriter& message) { bytes_field(field, message.out_); }
  void float_field(uint32_t field, float value) {
    tag(field, kFixed32);
    append_le(value);
  }
  void packed_varints(uint32_t field, const std::vector<int64_t>& values) {
    ProtoWriter packed;
    for (int64_t v : values) packed.varint(static_cast<uint64_t>(v));
    bytes_field(field, packed.out_);
  }
  void packed_floats(uint32_t field, const std::vector<float>& values) {
    ProtoWriter packed;
    for (float v : values) packed.append_le(v);
    bytes_field(field, packed.out_);
  }
  const std::string& bytes() const { return out_; }

 private:
  void tag(uint32_t field, uint32_t wire_type) { varint((static_cast<uint64_t>(field) << 3) | wire_type); }
  void varint(uint64_t value) {
    while (value >= 0x80) {
      out_.push_back(static_cast<char>((value & 0x7f) | 0x80));
      value >>= 7;
    }
    out_.push_back(static_cast<char>(value));
  }
  template <typename T>
  void append_le(T value) {
    static_assert(std::is_trivially_copyable_v<T>);
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));  // x86-64 and aarch64 Linux are little-endian, as ONNX is
    out_.append(bytes, sizeof(T));
  }
  std::string out_;
};

// Field numbers from onnx/onnx.proto.
ProtoWriter encode(const OnnxTensor& tensor) {
  ProtoWriter w;
  if (!tensor.dims.empty()) w.packed_varints(1, tensor.dims);
  w.varint_field(2, static_cast<uint64_t>(tensor.type));
  w.bytes_field(8, tensor.name);
  w.bytes_field(9, tensor.raw_data);
  return w;
}

// AttributeProto.AttributeType values.
enum AttributeType : uint64_t { kAttrFloat = 1, kAttrInt = 2, kAttrString = 3, kAttrFloats = 6, kAttrInts = 7 };

ProtoWriter encode(const OnnxAttribute& attribute) {
  ProtoWriter w;
  w.bytes_field(1, attribute.name);
  if (const auto* i = std::get_if<int64_t>(&attribute.value)) {
    w.varint_field(3, static_cast<uint64_t>(*i));
    w.varint_field(20, kAttrInt);
  } else if (const auto* f = std::get_if<float>(&attribute.value)) {
    w.float_field(2, *f);
    w.varint_field(20, kAttrFloat);
  } else if (const auto* s = std::get_if<std::string>(&attribute.value)) {
    w.bytes_field(4, *s);
    w.varint_field(20, kAttrString);
  } else if (const auto* ints = std::get_if<std::vector<int64_t>>(&attribute.value)) {
    w.packed_varints(8, *ints);
    w.varint_field(20, kAttrInts);
  } else {
    w.packed_floats(7, std::get<std::vector<float>>(attribute.value));
    w.varint_field(20, kAttrFloats);
  }
  return w;
}

ProtoWriter encode(const OnnxNode& node) {
  ProtoWriter w;
  for (const auto& input : node.inputs) w.bytes_field(1, input);
  for (const auto& output : node.outputs) w.bytes_field(2, output);
  if (!node.name.empty()) w.bytes_field(3, node.name);
  w.bytes_field(4, node.op_type);
  for (const auto& attribute : node.attributes) w.message_field(5, encode(attribute));
  return w;
}

ProtoWriter encode(const OnnxValueInfo& info) {
  ProtoWriter shape;
  for (const auto& dim : info.dims) {
    ProtoWriter d;
    if (const auto* value = std::get_if<int64_t>(&dim)) {
      d.varint_field(1, static_cast<uint64_t>(*value));
    } else {
      d.bytes_field(2, std::get<std::string>(dim));
    }
    shape.message_field(1, d);
  }
  ProtoWriter tensor_type;
  tensor_type.varint_field(1, static_cast<uint64_t>(info.type));
  tensor_type.message_field(2, shape);
  ProtoWriter type;
  type.message_field(1, tensor_type);
  ProtoWriter w;
  w.bytes_field(1, info.name);
  w.message_field(2, type);
  return w;
}

ProtoWriter encode(const OnnxGraph& graph) {
  ProtoWriter w;
  for (const auto& node : graph.nodes) w.message_field(1, encode(node));
  w.bytes_field(2, graph.name);
  for (const auto& tensor : graph.initializers) w.message_field(5, encode(tensor));
  for (const auto& input : graph.inputs) w.message_field(11, encode(input));
  for (const auto& output : graph.outputs) w.message_field(12, encode(output));
  return w;
}

template <typename T>
std::string little_endian(const std::vector<T>& values) {
  std::string raw(values.size() * sizeof(T), '\0');
  if (!values.empty()) std::memcpy(raw.data(), values.data(), raw.size());
  return raw;
}

}  // namespace

OnnxTensor float_tensor(std::string name, std::vector<int64_t> dims, const std::vector<float>& values) {
  return {std::move(name), OnnxType::kFloat, std::move(dims), little_endian(values)};
}

OnnxTensor int64_tensor(std::string name, std::vector<int64_t> dims, const std::vector<int64_t>& values) {
  return {std::move(name), OnnxType::kInt64, std::move(dims), little_endian(values)};
}

std::string serialize(const OnnxModel& model) {
  ProtoWriter w;
  w.varint_field(1, model.opset >= 15 ? 8 : 7);  // ir_version
  w.bytes_field(2, model.producer_name);
  if (!model.producer_version.empty()) w.bytes_field(3, model.producer_version);
  if (!model.doc_string.empty()) w.bytes_field(6, model.doc_string);
  w.message_field(7, encode(model.graph));
  ProtoWriter opset;
  opset.bytes_field(1, "");
  opset.varint_field(2, static_cast<uint64_t>(model.opset));
  w.message_field(8, opset);
  for (const auto& [key, value] : model.metadata) {
    ProtoWriter entry;
    entry.bytes_field(1, key);
    entry.bytes_field(2, value);
    w.message_field(14, entry);
  }
  return w.bytes();
}

}  // namespace segkit::exporter
