#include "segkit/infer/tiling.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>

#include "segkit/core/error.h"

namespace segkit::infer {
namespace {

namespace F = torch::nn::functional;

struct Tile {
  int64_t y, x;
};

}  // namespace

std::vector<int64_t> tile_starts(int64_t size, int64_t tile, int64_t overlap) {
  std::vector<int64_t> starts;
  if (size <= tile) return {0};
  const int64_t stride = tile - overlap;
  for (int64_t start = 0;; start += stride) {
    if (start + tile >= size) {
      starts.push_back(size - tile);
      break;
    }
    starts.push_back(start);
  }
  return starts;
}

torch::Tensor blend_window(int64_t tile, const std::string& blend) {
  const auto position = torch::arange(tile, torch::kFloat64) + 0.5;  // pixel centres
  torch::Tensor profile;
  if (blend == "linear") {
    // Distance to the nearer border, so a pixel's weight falls to a small positive value at the
    // edge: neighbours that see the pixel further from their own border count more.
    profile = torch::minimum(position, static_cast<double>(tile) - position) / (static_cast<double>(tile) / 2.0);
  } else if (blend == "gaussian") {
    const double sigma = static_cast<double>(tile) / 8.0;
    profile = torch::exp(-(position - static_cast<double>(tile) / 2.0).pow(2) / (2.0 * sigma * sigma));
  } else {
    throw ConfigError("unknown tile blend '" + blend + "'; valid: linear, gaussian");
  }
  return torch::outer(profile, profile).clamp_min(1e-6).to(torch::kFloat32);
}

torch::Tensor predict_tiled(const PredictFn& predict, const torch::Tensor& image, const TileOptions& options) {
  if (options.tile < 1 || options.overlap < 0 || options.overlap >= options.tile || options.batch_size < 1) {
    throw ConfigError(fmt::format("tiling needs tile >= 1, 0 <= overlap < tile and batch_size >= 1 (tile {}, overlap {})",
                                  options.tile, options.overlap));
  }
  const int64_t height = image.size(1), width = image.size(2), tile = options.tile;
  // Smaller than a tile: pad by reflection (reflect needs pad < size; replicate covers the rest).
  torch::Tensor source = image.unsqueeze(0);
  if (height < tile || width < tile) {
    const int64_t pad_h = std::max<int64_t>(0, tile - height), pad_w = std::max<int64_t>(0, tile - width);
    const bool reflect = pad_h < height && pad_w < width;
    auto pad = F::PadFuncOptions({0, pad_w, 0, pad_h});
    if (reflect) {
      pad.mode(torch::kReflect);
    } else {
      pad.mode(torch::kReplicate);
    }
    source = F::pad(source, pad);
  }
  const int64_t padded_h = source.size(2), padded_w = source.size(3);
  std::vector<Tile> tiles;
  for (int64_t y : tile_starts(padded_h, tile, options.overlap)) {
    for (int64_t x : tile_starts(padded_w, tile, options.overlap)) tiles.push_back({y, x});
  }
  if (tiles.size() == 1 && padded_h == tile && padded_w == tile) {
    // One tile is plain inference: no weights, so the result is bit-identical to it.
    return predict(source)[0].slice(1, 0, height).slice(2, 0, width);
  }
  const auto window = blend_window(tile, options.blend).to(image.device());
  torch::Tensor sum, weight = torch::zeros({1, padded_h, padded_w}, image.options().dtype(torch::kFloat32));
  for (size_t begin = 0; begin < tiles.size(); begin += static_cast<size_t>(options.batch_size)) {
    const size_t end = std::min(tiles.size(), begin + static_cast<size_t>(options.batch_size));
    std::vector<torch::Tensor> crops;
    for (size_t i = begin; i < end; ++i) {
      crops.push_back(source[0].slice(1, tiles[i].y, tiles[i].y + tile).slice(2, tiles[i].x, tiles[i].x + tile));
    }
    const auto predictions = predict(torch::stack(crops));
    if (!sum.defined()) sum = torch::zeros({predictions.size(1), padded_h, padded_w}, predictions.options());
    for (size_t i = begin; i < end; ++i) {
      const auto& t = tiles[i];
      sum.slice(1, t.y, t.y + tile).slice(2, t.x, t.x + tile).add_(predictions[static_cast<int64_t>(i - begin)] * window);
      weight.slice(1, t.y, t.y + tile).slice(2, t.x, t.x + tile).add_(window);
    }
  }
  return (sum / weight).slice(1, 0, height).slice(2, 0, width);
}

}  // namespace segkit::infer
