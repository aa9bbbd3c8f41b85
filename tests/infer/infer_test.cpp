#include <gtest/gtest.h>

#include <torch/torch.h>

#include "segkit/core/error.h"
#include "segkit/infer/infer.h"

namespace segkit::infer {
namespace {

torch::Tensor identity(const torch::Tensor& x) { return x; }

// A pointwise "model": translation-equivariant, so tiling must reproduce its full-image output.
torch::Tensor pointwise(const torch::Tensor& x) { return torch::sigmoid(x.sum(1, true) * 0.3 - 0.1); }

TEST(Tta, AnEquivariantIdentityModelGetsItsInputBack) {
  torch::manual_seed(0);
  const auto images = torch::rand({2, 3, 64, 96});
  for (const auto& name : tta_names()) {
    for (const std::string merge : {"mean", "gmean", "max"}) {
      TtaOptions options;
      options.name = name;
      options.merge = merge;
      const auto merged = predict_tta(identity, images, options);
      ASSERT_EQ(merged.sizes(), images.sizes()) << name;
      EXPECT_TRUE(torch::allclose(merged, images, 1e-5, 1e-6)) << name << " " << merge;
    }
  }
}

TEST(Tta, EachTransformIsUndoneAndCounted) {
  const auto images = torch::arange(2 * 32 * 64, torch::kFloat32).view({1, 2, 32, 64});
  for (const auto& [name, passes] : std::vector<std::pair<std::string, int>>{
           {"none", 1}, {"hflip", 2}, {"vflip", 2}, {"flips", 3}, {"hvflip", 4}, {"transpose", 2}, {"d4", 8}}) {
    int calls = 0;
    std::vector<torch::Tensor> seen;
    TtaOptions options;
    options.name = name;
    predict_tta([&](const torch::Tensor& x) { ++calls; seen.push_back(x.clone()); return x; }, images, options);
    EXPECT_EQ(calls, passes) << name;
    for (size_t i = 1; i < seen.size(); ++i) EXPECT_FALSE(torch::equal(seen[i], images)) << name << " pass " << i;
  }
  EXPECT_THROW(tta_transforms("d8"), ConfigError);
}

TEST(Tta, MergeModesCombineThePasses) {
  const auto images = torch::zeros({1, 1, 32, 32});
  auto two_values = [&images](const std::string& merge) {
    int call = 0;
    TtaOptions options;
    options.name = "hflip";
    options.merge = merge;
    return predict_tta([&](const torch::Tensor& x) { return torch::full_like(x, call++ == 0 ? 0.2 : 0.8); }, images,
                       options)
        .mean()
        .item<double>();
  };
  EXPECT_NEAR(two_values("mean"), 0.5, 1e-6);
  EXPECT_NEAR(two_values("gmean"), 0.4, 1e-6);
  EXPECT_NEAR(two_values("max"), 0.8, 1e-6);
  TtaOptions bad;
  bad.merge = "median";
  EXPECT_THROW(predict_tta(identity, images, bad), ConfigError);
}

TEST(Tta, ScalesResizeToTheStrideAndBack) {
  const auto ramp = torch::linspace(0, 1, 64).view({1, 1, 1, 64}).expand({1, 1, 64, 64}).contiguous();
  std::vector<std::vector<int64_t>> sizes;
  TtaOptions options;
  options.scales = {0.5, 1.0, 1.5};
  const auto merged = predict_tta([&](const torch::Tensor& x) { sizes.push_back(x.sizes().vec()); return x; }, ramp,
                                  options);
  ASSERT_EQ(sizes.size(), 3u);
  EXPECT_EQ(sizes[0], (std::vector<int64_t>{1, 1, 32, 32}));
  EXPECT_EQ(sizes[2], (std::vector<int64_t>{1, 1, 96, 96}));
  EXPECT_EQ(merged.sizes(), ramp.sizes());
  EXPECT_LT((merged - ramp).abs().max().item<double>(), 0.03);  // a smooth ramp survives the round trips
}

// --widths: multi-resolution inference at absolute widths (height in proportion, to the stride).
TEST(Tta, WidthsBecomeScalesOfTheInput) {
  const auto image = torch::zeros({1, 1, 64, 128});
  std::vector<std::vector<int64_t>> sizes;
  TtaOptions options;
  options.widths = {64, 256};
  predict_tta([&](const torch::Tensor& x) { sizes.push_back(x.sizes().vec()); return x; }, image, options);
  ASSERT_EQ(sizes.size(), 2u);
  EXPECT_EQ(sizes[0], (std::vector<int64_t>{1, 1, 32, 64}));
  EXPECT_EQ(sizes[1], (std::vector<int64_t>{1, 1, 128, 256}));
  options.widths = {0};
  EXPECT_THROW(predict_tta([](const torch::Tensor& x) { return x; }, image, options), ConfigError);
}

TEST(Tiling, StartsCoverTheImageAndStayInside) {
  EXPECT_EQ(tile_starts(100, 32, 8), (std::vector<int64_t>{0, 24, 48, 68}));
  EXPECT_EQ(tile_starts(32, 32, 8), (std::vector<int64_t>{0}));
  EXPECT_EQ(tile_starts(20, 32, 8), (std::vector<int64_t>{0}));
  EXPECT_GT(blend_window(16, "gaussian").min().item<float>(), 0.0f);
  EXPECT_THROW(blend_window(16, "cosine"), ConfigError);
}

TEST(Tiling, OneTileIsExactlyPlainInference) {
  torch::manual_seed(1);
  const auto image = torch::randn({3, 64, 64});
  TileOptions options;
  options.tile = 64;
  options.overlap = 16;
  EXPECT_TRUE(torch::equal(predict_tiled(pointwise, image, options), pointwise(image.unsqueeze(0))[0]));
  // Smaller than the tile: padded, predicted once, cropped back.
  const auto small = torch::randn({3, 20, 30});
  EXPECT_TRUE(torch::equal(predict_tiled(pointwise, small, options), pointwise(small.unsqueeze(0))[0]));
}

TEST(Tiling, OverlappingTilesOfAnEquivariantModelEqualTheWholeImage) {
  torch::manual_seed(2);
  const auto image = torch::randn({3, 150, 230});
  const auto whole = pointwise(image.unsqueeze(0))[0];
  for (const std::string blend : {"linear", "gaussian"}) {
    TileOptions options;
    options.tile = 64;
    options.overlap = 24;
    options.blend = blend;
    options.batch_size = 3;
    const auto tiled = predict_tiled(pointwise, image, options);
    ASSERT_EQ(tiled.sizes(), whole.sizes());
    EXPECT_TRUE(torch::allclose(tiled, whole, 1e-5, 1e-6)) << blend;
  }
  TileOptions bad;
  bad.tile = 32;
  bad.overlap = 32;
  EXPECT_THROW(predict_tiled(pointwise, image, bad), ConfigError);
}

}  // namespace
}  // namespace segkit::infer
