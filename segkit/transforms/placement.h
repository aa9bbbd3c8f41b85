#pragma once
// Where a deterministic preprocessing pipeline puts the input image, so a prediction made on the
// preprocessed image can be mapped back onto the original pixels: PadIfNeeded (a fixed position)
// shifts the image inside a larger canvas, Resize scales everything; other transforms are taken to
// keep the geometry (validation pipelines: Normalize, colour). SMP's examples pad 360x480 CamVid
// frames to 384x480; the prediction must then be cropped, not resized, back.
//
//   auto rect = content_rect(*preprocess, {480, 360});   // (0, 12, 480, 360) in a 480x384 output

#include <opencv2/core/types.hpp>

#include <optional>

#include "segkit/transforms/transform.h"

namespace segkit::transforms {

struct Placement {
  cv::Size output;     ///< the pipeline's output size
  cv::Rect2d content;  ///< where the input image lies in it
};

/// The placement of an input of `input` size; nullopt when the pipeline holds a random-position
/// PadIfNeeded (nothing fixed to undo).
std::optional<Placement> content_placement(const Transform& pipeline, cv::Size input);

}  // namespace segkit::transforms
