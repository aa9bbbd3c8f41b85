#pragma once
// SMP's MAnet: encoder, MAnetDecoder, a 3x3 head. Arguments (SMP's): encoder_name, encoder_depth 5,
// encoder_weights, decoder_use_norm, decoder_channels (256, 128, 64, 32, 16), decoder_pab_channels 64,
// decoder_interpolation nearest, in_channels, classes, activation, aux_params.

#include "segkit/models/segmentation_model.h"

namespace segkit::models {

class MAnetImpl : public SegmentationModelImpl {
 public:
  explicit MAnetImpl(const json& arguments);
};

}  // namespace segkit::models
