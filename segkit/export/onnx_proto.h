#pragma once
// The part of ONNX's protobuf schema (onnx/onnx.proto, IR 7-8) an exported inference graph needs, and
// its wire encoding. segkit writes the bytes itself: LibTorch has no ONNX exporter in C++, and a
// 200-line encoder spares every build a protobuf/libonnx dependency whose versions must match.
//
//   OnnxModel model;
//   model.graph.nodes.push_back({"Relu", {"x"}, {"y"}});
//   std::string bytes = serialize(model);   // a valid .onnx file's contents

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace segkit::exporter {

/// TensorProto.DataType values used here.
enum class OnnxType : int32_t { kFloat = 1, kInt64 = 7 };

struct OnnxTensor {
  std::string name;
  OnnxType type = OnnxType::kFloat;
  std::vector<int64_t> dims;
  std::string raw_data;  ///< little-endian elements, row-major
};

OnnxTensor float_tensor(std::string name, std::vector<int64_t> dims, const std::vector<float>& values);
OnnxTensor int64_tensor(std::string name, std::vector<int64_t> dims, const std::vector<int64_t>& values);

struct OnnxAttribute {
  std::string name;
  std::variant<int64_t, float, std::string, std::vector<int64_t>, std::vector<float>> value;
};

struct OnnxNode {
  std::string op_type;
  std::vector<std::string> inputs;   ///< "" marks an omitted optional input
  std::vector<std::string> outputs;
  std::vector<OnnxAttribute> attributes{};
  std::string name{};
};

/// A graph input or output: float32 with each dimension a number or a symbolic name ("batch").
struct OnnxValueInfo {
  std::string name;
  std::vector<std::variant<int64_t, std::string>> dims;
  OnnxType type = OnnxType::kFloat;
};

struct OnnxGraph {
  std::string name = "segkit";
  std::vector<OnnxNode> nodes;
  std::vector<OnnxTensor> initializers;
  std::vector<OnnxValueInfo> inputs;
  std::vector<OnnxValueInfo> outputs;
};

struct OnnxModel {
  int64_t opset = 13;
  std::string producer_name = "segkit";
  std::string producer_version;
  std::string doc_string;
  std::vector<std::pair<std::string, std::string>> metadata;  ///< metadata_props
  OnnxGraph graph;
};

/// The ModelProto bytes. IR version 7 for opset 13-14, 8 for 15-17 (what onnx 1.12 pairs them with).
std::string serialize(const OnnxModel& model);

}  // namespace segkit::exporter
