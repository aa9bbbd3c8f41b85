#pragma once
// SMP's Segformer: encoder (mit_b* is the usual one; any encoder of depth >= 3), SegformerDecoder, a
// 1x1 head with bilinear x`upsampling` (4). Arguments (SMP's): encoder_name, encoder_depth 5,
// encoder_weights, decoder_segmentation_channels 256, in_channels, classes, activation, upsampling 4,
// aux_params.

#include "segkit/models/segmentation_model.h"

namespace segkit::models {

class SegformerImpl : public SegmentationModelImpl {
 public:
  explicit SegformerImpl(const json& arguments);
};

}  // namespace segkit::models
