#include "segkit/io/safetensors.h"

#include <gtest/gtest.h>

#include <cstring>
#include <numeric>

#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "tests/support/test_support.h"

namespace segkit::io {
namespace {

// A file as the format defines it: u64 LE header length, header text, data bytes.
std::string raw_file(const std::string& header, const std::string& data, uint64_t claimed_length) {
  std::string bytes(8, '\0');
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(claimed_length >> (8 * i));
  return bytes + header + data;
}
std::string raw_file(const std::string& header, const std::string& data) {
  return raw_file(header, data, header.size());
}

// Expects a DataError whose message contains every fragment (the file name included).
void expect_rejected(const std::string& bytes, const std::vector<std::string>& fragments) {
  test::TempDir dir;
  const auto path = dir / "bad.safetensors";
  write_file_atomic(path, bytes);
  try {
    SafetensorsReader reader(path);
    FAIL() << "accepted a bad file";
  } catch (const DataError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("bad.safetensors"), std::string::npos) << message;
    for (const auto& fragment : fragments) {
      EXPECT_NE(message.find(fragment), std::string::npos) << "missing '" << fragment << "' in: " << message;
    }
  }
}

TEST(Safetensors, RoundTripsEveryDtypeWithMetadata) {
  test::TempDir dir;
  const std::vector<DType> dtypes = {DType::kBool, DType::kU8,  DType::kI8,   DType::kI16, DType::kU16,
                                     DType::kI32,  DType::kU32, DType::kI64,  DType::kU64, DType::kF16,
                                     DType::kBF16, DType::kF32, DType::kF64};
  std::vector<std::vector<uint8_t>> buffers;
  std::vector<TensorRef> refs;
  for (size_t i = 0; i < dtypes.size(); ++i) {
    const std::vector<int64_t> shape = {2, static_cast<int64_t>(i + 1)};
    std::vector<uint8_t> bytes(2 * (i + 1) * dtype_size(dtypes[i]));
    for (size_t b = 0; b < bytes.size(); ++b) bytes[b] = static_cast<uint8_t>((b * 37 + i) & (dtypes[i] == DType::kBool ? 1 : 255));
    buffers.push_back(std::move(bytes));
    refs.push_back({"t." + std::string(dtype_name(dtypes[i])), dtypes[i], shape, buffers.back().data()});
  }
  refs.push_back({"scalar", DType::kF32, {}, buffers[11].data()});
  refs.push_back({"empty", DType::kF32, {0, 3}, nullptr});
  const auto path = dir / "all.safetensors";
  write_safetensors(path, refs, {{"format", "pt"}, {"note", "unicode \xc3\xa9"}});

  SafetensorsReader reader(path);
  EXPECT_EQ(reader.metadata().at("format"), "pt");
  EXPECT_EQ(reader.metadata().at("note"), "unicode \xc3\xa9");
  ASSERT_EQ(reader.tensors().size(), refs.size());
  for (size_t i = 0; i < dtypes.size(); ++i) {
    const auto& info = reader.tensor(refs[i].name);
    EXPECT_EQ(info.dtype, dtypes[i]);
    EXPECT_EQ(info.shape, refs[i].shape);
    EXPECT_EQ(reader.read(refs[i].name), buffers[i]) << refs[i].name;
  }
  EXPECT_EQ(reader.tensor("scalar").numel(), 1);
  EXPECT_EQ(reader.tensor("empty").nbytes(), 0u);
  // Largest alignment first, as Python's safetensors lays data out.
  EXPECT_EQ(dtype_size(reader.tensors().front().dtype), 8u);
}

TEST(Safetensors, StreamWriterWritesTensorsInOrderAndNothingUnlessFinished) {
  test::TempDir dir;
  const std::vector<uint8_t> a = {1, 2, 3, 4, 5, 6};
  const std::vector<float> b = {0.5f, -1.0f};
  {
    SafetensorsStreamWriter writer(dir / "unfinished.safetensors");
    writer.add({"a", DType::kU8, {2, 3}, a.data()});
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "unfinished.safetensors"));
  EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "the scratch file was left behind";

  SafetensorsStreamWriter writer(dir / "oof.safetensors", {{"format", "segkit-oof-v1"}});
  writer.add({"probabilities/x", DType::kU8, {2, 3}, a.data()});
  writer.add({"labels", DType::kF32, {2}, b.data()});
  EXPECT_THROW(writer.add({"labels", DType::kF32, {2}, b.data()}), DataError);
  writer.finish();
  SafetensorsReader reader(dir / "oof.safetensors");
  EXPECT_EQ(reader.metadata().at("format"), "segkit-oof-v1");
  EXPECT_EQ(reader.read("probabilities/x"), a);
  std::vector<float> read_back(2);
  reader.read(reader.tensor("labels"), read_back.data());
  EXPECT_EQ(read_back, b);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1) << "only the file itself";
}

TEST(Safetensors, ReadsAFileLaidOutByHand) {
  // Equivalent to Python: save_file({"a": torch.tensor([1., 2.]), "b": torch.tensor([7], dtype=torch.uint8)})
  const std::string header = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                              R"("b":{"dtype":"U8","shape":[1],"data_offsets":[8,9]}})";
  float values[2] = {1.0f, 2.0f};
  std::string data(reinterpret_cast<const char*>(values), 8);
  data.push_back(7);
  test::TempDir dir;
  write_file_atomic(dir / "hand.safetensors", raw_file(header, data));
  SafetensorsReader reader(dir / "hand.safetensors");
  float read_back[2];
  reader.read(reader.tensor("a"), read_back);
  EXPECT_EQ(read_back[0], 1.0f);
  EXPECT_EQ(read_back[1], 2.0f);
  EXPECT_EQ(reader.read("b"), std::vector<uint8_t>{7});
  EXPECT_TRUE(reader.metadata().empty());
}

TEST(Safetensors, UnknownTensorNameSuggestsClosest) {
  test::TempDir dir;
  float one = 1;
  write_safetensors(dir / "w.safetensors", {{"encoder.conv1.weight", DType::kF32, {1}, &one}});
  SafetensorsReader reader(dir / "w.safetensors");
  EXPECT_FALSE(reader.contains("encoder.conv1.wieght"));
  try {
    reader.tensor("encoder.conv1.wieght");
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'encoder.conv1.weight'"), std::string::npos);
  }
}

TEST(Safetensors, RejectsMissingAndTooShortFiles) {
  EXPECT_THROW(SafetensorsReader("/no/such.safetensors"), DataError);
  expect_rejected("", {"too short"});
  expect_rejected("1234567", {"too short"});
}

TEST(Safetensors, RejectsTruncatedFile) {
  const std::string header = R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})";
  expect_rejected(raw_file(header, std::string(10, '\0')), {"truncated"});
  const std::string whole = raw_file(header, std::string(16, '\0'));
  expect_rejected(whole.substr(0, 20), {"past the end"});
}

TEST(Safetensors, RejectsHugeHeaderLength) {
  expect_rejected(raw_file("{}", "", uint64_t{1} << 62), {"exceeds the limit"});
  expect_rejected(raw_file("{}", "", ~uint64_t{0}), {"exceeds the limit"});
  expect_rejected(raw_file("{}", "", 1000), {"past the end"});
}

TEST(Safetensors, RejectsBadJson) {
  expect_rejected(raw_file("{\"a\": ", ""), {"not valid JSON"});
  expect_rejected(raw_file("[1, 2]", ""), {"start with '{'"});
  expect_rejected(raw_file("{} trailing", ""), {"not valid JSON"});
  expect_rejected(raw_file(R"({"a": 5})", ""), {"'a'", "not an object"});
}

TEST(Safetensors, RejectsOffsetsOutOfRangeOverlapsAndGaps) {
  const std::string beyond = R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}})";
  expect_rejected(raw_file(beyond, "ab"), {"cover 4 bytes", "data section has 2"});
  const std::string overlap = R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},)"
                              R"("b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}})";
  expect_rejected(raw_file(overlap, "abcdef"), {"'b'", "overlaps"});
  const std::string gap = R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},)"
                          R"("b":{"dtype":"U8","shape":[2],"data_offsets":[4,6]}})";
  expect_rejected(raw_file(gap, "abcdef"), {"'b'", "gap"});
  const std::string reversed = R"({"a":{"dtype":"U8","shape":[0],"data_offsets":[4,2]}})";
  expect_rejected(raw_file(reversed, "abcd"), {"end before they begin"});
  const std::string trailing = R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}})";
  expect_rejected(raw_file(trailing, "abcd"), {"trailing bytes"});
  const std::string negative = R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[-1,1]}})";
  expect_rejected(raw_file(negative, "ab"), {"data_offsets"});
}

TEST(Safetensors, RejectsDtypeShapeMismatch) {
  const std::string mismatch = R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})";
  expect_rejected(raw_file(mismatch, std::string(8, '\0')), {"'a'", "need 12 bytes", "span 8"});
  const std::string unknown = R"({"a":{"dtype":"F12","shape":[1],"data_offsets":[0,1]}})";
  expect_rejected(raw_file(unknown, "x"), {"unsupported dtype 'F12'", "F32"});
  const std::string overflow = R"({"a":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}})";
  expect_rejected(raw_file(overflow, std::string(8, '\0')), {"overflow"});
  const std::string negative_dim = R"({"a":{"dtype":"U8","shape":[-2],"data_offsets":[0,0]}})";
  expect_rejected(raw_file(negative_dim, ""), {"negative"});
  const std::string no_shape = R"({"a":{"dtype":"U8","data_offsets":[0,0]}})";
  expect_rejected(raw_file(no_shape, ""), {"shape"});
  const std::string extra_field = R"({"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0],"x":1}})";
  expect_rejected(raw_file(extra_field, ""), {"unexpected field 'x'"});
}

TEST(Safetensors, RejectsDuplicateNamesAndBadMetadata) {
  const std::string duplicate = R"({"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},)"
                                R"("a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}})";
  expect_rejected(raw_file(duplicate, "ab"), {"'a' appears twice"});
  expect_rejected(raw_file(R"({"__metadata__":{"k":1}})", ""), {"__metadata__", "'k'"});
  expect_rejected(raw_file(R"({"__metadata__":[1]})", ""), {"__metadata__"});
}

TEST(Safetensors, WriterRejectsDuplicateNames) {
  test::TempDir dir;
  uint8_t byte = 1;
  EXPECT_THROW(write_safetensors(dir / "x.safetensors",
                                 {{"a", DType::kU8, {1}, &byte}, {"a", DType::kU8, {1}, &byte}}),
               DataError);
  EXPECT_FALSE(std::filesystem::exists(dir / "x.safetensors"));
}

TEST(Safetensors, HeaderIsPaddedToEightBytes) {
  test::TempDir dir;
  uint8_t byte = 1;
  write_safetensors(dir / "p.safetensors", {{"abc", DType::kU8, {1}, &byte}});
  const std::string bytes = read_file(dir / "p.safetensors");
  uint64_t header_length = 0;
  std::memcpy(&header_length, bytes.data(), 8);
  EXPECT_EQ(header_length % 8, 0u);
  EXPECT_EQ(bytes.size(), 8 + header_length + 1);
}

}  // namespace
}  // namespace segkit::io
