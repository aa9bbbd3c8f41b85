#pragma once
// SMP's FPN: encoder, FPNDecoder, a 1x1 head with bilinear x`upsampling` (4). Arguments (SMP's):
// encoder_name, encoder_depth 5, encoder_weights, decoder_pyramid_channels 256,
// decoder_segmentation_channels 128, decoder_merge_policy add|cat, decoder_dropout 0.2,
// decoder_interpolation nearest, in_channels, classes, activation, upsampling 4, aux_params.

#include "segkit/models/segmentation_model.h"

namespace segkit::models {

class FPNImpl : public SegmentationModelImpl {
 public:
  explicit FPNImpl(const json& arguments);
};

}  // namespace segkit::models
