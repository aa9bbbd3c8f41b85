#pragma once
// Sliding-window inference for images larger than the model's input (drone orthophotos, 1400x2100
// clouds at full resolution): overlapping tiles, each prediction weighted by a window that fades
// towards the tile's border, summed and divided by the summed weights.
//
//   TileOptions tiles; tiles.tile = 512; tiles.overlap = 128; tiles.blend = "gaussian";
//   torch::Tensor probabilities = predict_tiled(predict, image_chw, tiles);   // K x H x W
//
// Tiles start at multiples of (tile - overlap) and the last row/column is moved back to end at the
// image border, so every tile lies inside the image (images smaller than a tile are padded by
// reflection to one tile). A single tile covering the image is exactly plain inference.

#include <torch/types.h>

#include <string>
#include <vector>

#include "segkit/infer/tta.h"

namespace segkit::infer {

struct TileOptions {
  int64_t tile = 512;          ///< square tile side, a multiple of the encoder's stride (32)
  int64_t overlap = 128;       ///< pixels shared by neighbouring tiles, < tile
  std::string blend = "linear";  ///< linear (a pyramid: weight grows linearly from the border) | gaussian (sigma = tile / 8)
  int64_t batch_size = 4;      ///< tiles per forward pass
};

/// Start offsets along one axis of `size` pixels.
std::vector<int64_t> tile_starts(int64_t size, int64_t tile, int64_t overlap);

/// The tile x tile blending weights (float32, > 0 everywhere).
torch::Tensor blend_window(int64_t tile, const std::string& blend);

/// K x H x W predictions of `predict` (N x C x t x t -> N x K x t x t) over `image` (C x H x W).
/// Throws ConfigError for a bad tile/overlap or blend name.
torch::Tensor predict_tiled(const PredictFn& predict, const torch::Tensor& image, const TileOptions& options);

}  // namespace segkit::infer
