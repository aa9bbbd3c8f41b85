#pragma once
// SMP's PAN: a dilated encoder (encoder_output_stride 16 by default, or 32), PANDecoder, a 3x3 head
// with bilinear x`upsampling` (4). Arguments (SMP's): encoder_name, encoder_depth 5, encoder_weights,
// encoder_output_stride 16, decoder_channels 32, decoder_interpolation bilinear, in_channels, classes,
// activation, upsampling 4, aux_params.

#include "segkit/models/segmentation_model.h"

namespace segkit::models {

class PANImpl : public SegmentationModelImpl {
 public:
  explicit PANImpl(const json& arguments);
};

}  // namespace segkit::models
