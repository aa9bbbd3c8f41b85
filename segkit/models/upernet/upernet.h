#pragma once
// SMP's UPerNet: encoder, UPerNetDecoder, a 1x1 head with bilinear x`upsampling` (4). Arguments
// (SMP's): encoder_name, encoder_depth 5, encoder_weights, decoder_channels 256, decoder_use_norm,
// in_channels, classes, activation, upsampling 4, aux_params.

#include "segkit/models/segmentation_model.h"

namespace segkit::models {

class UPerNetImpl : public SegmentationModelImpl {
 public:
  explicit UPerNetImpl(const json& arguments);
};

}  // namespace segkit::models
