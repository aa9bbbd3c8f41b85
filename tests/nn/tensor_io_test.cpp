#include "segkit/nn/tensor_io.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "segkit/core/error.h"
#include "segkit/io/safetensors.h"
#include "tests/support/test_support.h"

namespace segkit::nn {
namespace {

TEST(TensorIo, RoundTripsEveryTorchDtypeBitExact) {
  test::TempDir dir;
  torch::manual_seed(0);
  const auto base = torch::randn({3, 5}) * 100;
  NamedTensors tensors;
  for (auto type : {torch::kFloat, torch::kDouble, torch::kHalf, torch::kBFloat16, torch::kLong,
                    torch::kInt, torch::kShort, torch::kChar, torch::kByte, torch::kBool}) {
    tensors.emplace_back(std::string("t_") + c10::toString(type), base.to(type));
  }
  tensors.emplace_back("strided", base.t());                 // non-contiguous input
  tensors.emplace_back("scalar", torch::tensor(3.5));
  tensors.emplace_back("empty", torch::zeros({0, 4}));
  save_safetensors(dir / "all.safetensors", tensors, {{"format", "pt"}});

  const LoadedTensors loaded = load_safetensors(dir / "all.safetensors");
  EXPECT_EQ(loaded.metadata.at("format"), "pt");
  ASSERT_EQ(loaded.tensors.size(), tensors.size());
  for (const auto& [name, original] : tensors) {
    const at::Tensor& back = loaded.at(name);
    EXPECT_EQ(back.scalar_type(), original.scalar_type()) << name;
    EXPECT_EQ(back.sizes(), original.sizes()) << name;
    EXPECT_TRUE(torch::equal(back, original.contiguous())) << name;
  }
}

TEST(TensorIo, FileIsReadableByTheTorchFreeReader) {
  test::TempDir dir;
  save_safetensors(dir / "w.safetensors", {{"w", torch::arange(6, torch::kFloat).reshape({2, 3})}});
  io::SafetensorsReader reader(dir / "w.safetensors");
  EXPECT_EQ(reader.tensor("w").dtype, io::DType::kF32);
  EXPECT_EQ(reader.tensor("w").shape, (std::vector<int64_t>{2, 3}));
  float values[6];
  reader.read(reader.tensor("w"), values);
  EXPECT_EQ(values[5], 5.0f);
}

TEST(TensorIo, UnsupportedDtypeAndMissingNamesAreErrors) {
  test::TempDir dir;
  EXPECT_THROW(save_safetensors(dir / "c.safetensors", {{"c", torch::zeros({2}, torch::kComplexFloat)}}),
               DataError);
  EXPECT_FALSE(std::filesystem::exists(dir / "c.safetensors"));
  save_safetensors(dir / "w.safetensors", {{"weight", torch::ones({1})}});
  EXPECT_THROW(load_safetensors(dir / "w.safetensors").at("wieght"), DataError);
}

}  // namespace
}  // namespace segkit::nn
